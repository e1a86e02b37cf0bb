package dev.porthole.agent.tunnel;

import dev.porthole.agent.upstream.UpstreamAddress;
import dev.porthole.agent.upstream.UpstreamHttpOptions;
import dev.porthole.protocol.message.TunnelKind;
import dev.porthole.protocol.message.TunnelPolicy;
import dev.porthole.protocol.message.TunnelRequest;
import dev.porthole.protocol.registry.TunnelNames;
import java.util.Locale;
import java.util.function.UnaryOperator;

/**
 * One tunnel the agent asks for and where its streams go.
 *
 * @param kind HTTP, TCP, TLS (passthrough) or UDP
 * @param name the subdomain or private name asked for; empty for a random one
 * @param port the public TCP port asked for; 0 for any
 * @param privateTunnel whether the tunnel publishes nothing
 * @param upstream the local service
 * @param http how an HTTP tunnel's requests are changed for the local service ({@link UpstreamHttpOptions#NONE} for TCP)
 * @param policy the edge policy the gateway is to enforce ({@link TunnelPolicy#NONE}: none); passwords in it are bcrypt hashes
 */
public record TunnelSpec(
        TunnelKind kind,
        String name,
        int port,
        boolean privateTunnel,
        UpstreamAddress upstream,
        UpstreamHttpOptions http,
        TunnelPolicy policy) {

    public TunnelSpec(TunnelKind kind, String name, int port, boolean privateTunnel, UpstreamAddress upstream) {
        this(kind, name, port, privateTunnel, upstream, UpstreamHttpOptions.NONE, TunnelPolicy.NONE);
    }

    public TunnelSpec(
            TunnelKind kind,
            String name,
            int port,
            boolean privateTunnel,
            UpstreamAddress upstream,
            UpstreamHttpOptions http) {
        this(kind, name, port, privateTunnel, upstream, http, TunnelPolicy.NONE);
    }

    /**
     * An HTTP tunnel as {@code porthole http} and a {@code type: http} entry of porthole.yml ask for it.
     *
     * @param subdomain the name to ask for; null or blank for a random one
     * @throws IllegalArgumentException naming what is wrong
     */
    public static TunnelSpec http(String upstream, String subdomain) {
        return http(upstream, subdomain, UpstreamHttpOptions.NONE);
    }

    /** The same with the request changes of {@code --host-header} and {@code --upstream-basic-auth}. */
    public static TunnelSpec http(String upstream, String subdomain, UpstreamHttpOptions http) {
        String name = subdomain == null ? "" : subdomain.trim();
        checkName(name, "subdomain");
        return new TunnelSpec(TunnelKind.HTTP, name, 0, false, UpstreamAddress.parse(upstream), http);
    }

    /** The gateway's rule for names ({@link TunnelNames}), applied here so that a bad one is a configuration error before connecting. */
    private static void checkName(String name, String what) {
        if (!name.isEmpty()) {
            String problem = TunnelNames.problem(name.toLowerCase(Locale.ROOT));
            if (problem != null) {
                throw new IllegalArgumentException(what + " '" + name + "': " + problem);
            }
        }
    }

    /**
     * A TCP tunnel as {@code porthole tcp} and a {@code type: tcp} entry of porthole.yml ask for it,
     * checked by the same rules.
     *
     * @param key turns an option's name ({@code port}) into how the user wrote it: {@code --port} or {@code port}
     * @throws IllegalArgumentException naming what is wrong
     */
    public static TunnelSpec tcp(
            String upstream, int port, boolean privateTunnel, String name, UnaryOperator<String> key) {
        return portOrPrivate(TunnelKind.TCP, upstream, port, privateTunnel, name, key);
    }

    /** A public (by port) or private (by name) TCP or UDP tunnel, checked by the same rules. */
    private static TunnelSpec portOrPrivate(
            TunnelKind kind, String upstream, int port, boolean privateTunnel, String name, UnaryOperator<String> key) {
        UpstreamAddress address = UpstreamAddress.parse(upstream);
        String tunnelName = name == null ? "" : name.trim();
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException(
                    key.apply("port") + " must be between 1 and 65535 (or 0 for any), was " + port);
        }
        checkName(tunnelName, key.apply("name"));
        if (privateTunnel && tunnelName.isEmpty()) {
            throw new IllegalArgumentException("a private tunnel needs a name that others dial: " + key.apply("private")
                    + " with " + key.apply("name") + " db");
        }
        if (privateTunnel && port != 0) {
            throw new IllegalArgumentException(
                    "a private tunnel has no public port; leave " + key.apply("port") + " out");
        }
        if (!privateTunnel && !tunnelName.isEmpty()) {
            throw new IllegalArgumentException(key.apply("name") + " names private tunnels; add " + key.apply("private")
                    + ", or leave " + key.apply("name") + " out");
        }
        return new TunnelSpec(kind, tunnelName, port, privateTunnel, address);
    }

    /**
     * A TLS passthrough tunnel as {@code porthole tls} and a {@code type: tls} entry of porthole.yml ask for it: visitors' TLS connections to
     * {@code <subdomain>.<domain>} on the gateway's passthrough port reach the local service unopened.
     *
     * @param key turns an option's name ({@code subdomain}) into how the user wrote it
     * @throws IllegalArgumentException naming what is wrong
     */
    public static TunnelSpec tls(String upstream, String subdomain, UnaryOperator<String> key) {
        String name = subdomain == null ? "" : subdomain.trim();
        if (name.isEmpty()) {
            throw new IllegalArgumentException("a TLS tunnel needs " + key.apply("subdomain")
                    + " NAME: the local service's certificate must name NAME.<domain>");
        }
        return new TunnelSpec(TunnelKind.TLS, name, 0, false, UpstreamAddress.parse(upstream));
    }

    /**
     * A public UDP tunnel as {@code porthole udp} and a {@code type: udp} entry of porthole.yml ask for it:
     * visitors' datagrams to the printed {@code udp://host:port} reach the local service.
     *
     * @param key turns an option's name ({@code port}) into how the user wrote it
     * @throws IllegalArgumentException naming what is wrong
     */
    public static TunnelSpec udp(String upstream, int port, UnaryOperator<String> key) {
        return udp(upstream, port, false, null, key);
    }

    /**
     * A public UDP tunnel, or a private one ({@code porthole udp 53 --private --name dns}) that only
     * granted clients reach with {@code porthole connect dns --udp}.
     */
    public static TunnelSpec udp(
            String upstream, int port, boolean privateTunnel, String name, UnaryOperator<String> key) {
        return portOrPrivate(TunnelKind.UDP, upstream, port, privateTunnel, name, key);
    }

    public TunnelRequest request() {
        return new TunnelRequest(kind, name, port, privateTunnel, upstream.toString(), policy);
    }

    /** The same tunnel with an edge policy (HTTP tunnels only: the gateway refuses one on a TCP tunnel). */
    public TunnelSpec withPolicy(TunnelPolicy rules) {
        return new TunnelSpec(kind, name, port, privateTunnel, upstream, http, rules);
    }

    /** The same tunnel asking for a specific name (to get the same random name back after a reconnect). */
    public TunnelSpec withName(String newName) {
        return new TunnelSpec(kind, newName, port, privateTunnel, upstream, http, policy);
    }

    /** The same tunnel asking for what it was given: its name, and its TCP port, so that a reconnect gets both back. */
    public TunnelSpec granted(String grantedName, int grantedPort) {
        return new TunnelSpec(
                kind, grantedName, grantedPort > 0 ? grantedPort : port, privateTunnel, upstream, http, policy);
    }
}
