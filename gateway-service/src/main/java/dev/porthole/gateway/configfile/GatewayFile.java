package dev.porthole.gateway.configfile;

import dev.porthole.gateway.auth.StaticCredential;
import dev.porthole.gateway.limits.LimitSettings;
import java.util.List;
import java.util.Optional;

/**
 * The settings of the gateway's configuration file ({@code porthole.gateway.config-file}), checked.
 *
 * @param domain the tunnel domain; read at start only, a change needs a restart
 * @param httpPort the public port; read at start only, a change needs a restart
 * @param tcpPortRange the TCP tunnel port range; read at start only, a change needs a restart
 * @param credentials static tokens and clients, when the file has {@code tokens} or {@code clients};
 *     empty to keep {@code porthole.gateway.auth.tokens}
 * @param limits the tunnel limits: the file's values over the gateway's own settings
 */
public record GatewayFile(
        Optional<String> domain,
        Optional<Integer> httpPort,
        Optional<String> tcpPortRange,
        Optional<List<StaticCredential>> credentials,
        LimitSettings limits) {}
