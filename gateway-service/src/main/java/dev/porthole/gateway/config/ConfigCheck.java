package dev.porthole.gateway.config;

import dev.porthole.protocol.frame.FrameCodec;
import io.quarkus.runtime.configuration.MemorySize;
import io.vertx.core.net.SocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Checks what the constraints on {@link GatewayConfig}'s keys cannot: rules that span keys, sizes
 * ({@code MemorySize} has no constraint), URLs and addresses, readable files. Reports every such
 * mistake at once, each naming its key; a key that breaks its own constraint stopped start-up
 * earlier, named by the configuration library with its environment variable.
 */
public final class ConfigCheck {

    private ConfigCheck() {}

    /** The mistakes in {@code config}, one sentence each; empty when it is fine. */
    public static List<String> problems(GatewayConfig config) {
        List<String> problems = new ArrayList<>();
        HttpConfig http = config.http();
        if (http.agentPath().startsWith(http.pathPrefix())) {
            problems.add(
                    "porthole.gateway.http.agent-path: must not lie under path-prefix '" + http.pathPrefix() + "'");
        }

        TunnelConfig tunnel = config.tunnel();
        long frame = tunnel.maxFrameSize().asLongValue();
        if (frame < FrameCodec.MIN_MAX_FRAME_SIZE || frame > 16L * 1024 * 1024) {
            problems.add("porthole.gateway.tunnel.max-frame-size: must be between 4K and 16M, was " + frame);
        }
        long window = tunnel.initialWindow().asLongValue();
        if (window < 1024 || window > Integer.MAX_VALUE) {
            problems.add("porthole.gateway.tunnel.initial-window: must be between 1K and 2G, was " + window);
        }
        long maxWindow = tunnel.maxWindow().asLongValue();
        if (maxWindow < 1024 || maxWindow > 1024L * 1024 * 1024) {
            problems.add("porthole.gateway.tunnel.max-window: must be between 1K and 1G, was " + maxWindow);
        }
        long udpBuffer = config.udp().socketReceiveBuffer().asLongValue();
        if (udpBuffer < 4096 || udpBuffer > 64L * 1024 * 1024) {
            problems.add("porthole.gateway.udp.socket-receive-buffer: must be between 4K and 64M, was " + udpBuffer);
        }

        HeartbeatConfig heartbeat = config.heartbeat();
        if (heartbeat.timeout().compareTo(heartbeat.interval().multipliedBy(2)) < 0) {
            problems.add("porthole.gateway.heartbeat.timeout: must be at least twice heartbeat.interval ("
                    + heartbeat.interval() + "), was " + heartbeat.timeout());
        }
        RegistryConfig registry = config.registry();
        if (registry.ttl().compareTo(registry.refreshInterval().multipliedBy(2)) < 0) {
            problems.add("porthole.gateway.registry.ttl: must be at least twice registry.refresh-interval ("
                    + registry.refreshInterval() + "), was " + registry.ttl());
        }
        AuthConfig auth = config.auth();
        if (auth.serviceUrl().isPresent()
                && auth.tokens().filter(tokens -> !tokens.isEmpty()).isPresent()) {
            problems.add(
                    "porthole.gateway.auth.tokens: set either auth.tokens (static tokens) or auth.service-url (auth-service), not both;"
                            + " configure static tokens in auth-service instead");
        }
        auth.serviceUrl().ifPresent(url -> {
            if (!"http".equals(url.getScheme()) && !"https".equals(url.getScheme()) || url.getHost() == null) {
                problems.add(
                        "porthole.gateway.auth.service-url: must be an http(s) URL like http://auth-service:8081, was '"
                                + url + "'");
            }
        });
        if (auth.serviceTls().certFile().isPresent()
                != auth.serviceTls().keyFile().isPresent()) {
            problems.add("porthole.gateway.auth.service-tls: set cert-file and key-file together"
                    + " (PORTHOLE_GATEWAY_AUTH_SERVICE_TLS_CERT_FILE, PORTHOLE_GATEWAY_AUTH_SERVICE_TLS_KEY_FILE)");
        }

        TcpConfig tcp = config.tcp();
        if (tcp.portRange().contains(http.port())) {
            problems.add("porthole.gateway.tcp.port-range: " + tcp.portRange() + " contains http.port " + http.port());
        }

        LimitsConfig limits = config.limits();
        BandwidthConfig bandwidth = limits.bandwidth();
        bandwidth.upload().ifPresent(rate -> positive(problems, "porthole.gateway.limits.bandwidth.upload", rate));
        bandwidth.download().ifPresent(rate -> positive(problems, "porthole.gateway.limits.bandwidth.download", rate));
        bandwidth
                .clientUpload()
                .ifPresent(rate -> positive(problems, "porthole.gateway.limits.bandwidth.client-upload", rate));
        bandwidth
                .clientDownload()
                .ifPresent(rate -> positive(problems, "porthole.gateway.limits.bandwidth.client-download", rate));
        positive(problems, "porthole.gateway.limits.max-body-size", limits.maxBodySize());
        positive(
                problems,
                "porthole.gateway.policy.webhook-max-body",
                config.policy().webhookMaxBody());

        config.cluster().internalAddress().ifPresent(address -> {
            String problem = InternalAddress.problem(address);
            if (problem != null) {
                problems.add("porthole.gateway.cluster.internal-address: " + problem);
            }
        });
        checkTls(problems, config);
        return problems;
    }

    private static void checkTls(List<String> problems, GatewayConfig config) {
        TlsConfig tls = config.tls();
        List<String> certs = tls.certFiles().orElse(List.of());
        List<String> keys = tls.keyFiles().orElse(List.of());
        if (certs.size() != keys.size()) {
            problems.add("porthole.gateway.tls.key-files: give one key file per certificate file, in the same order ("
                    + certs.size() + " certificate file(s), " + keys.size() + " key file(s))");
        }
        boolean acme = tls.acme().directoryUrl().filter(url -> !url.isBlank()).isPresent();
        if (acme) {
            checkAcme(problems, config);
        }
        boolean mtls = checkMtls(problems, config.cluster());
        if ((!certs.isEmpty() || acme || mtls)
                && config.cluster().internalAddress().isPresent()) {
            // With TLS on the public port or between gateways, peers forward to a listener of their own
            // (cluster.PeerListener).
            String published = InternalAddress.published(
                    config.cluster().internalAddress().get(), config.http().port());
            SocketAddress internal = InternalAddress.parse(published);
            if (internal != null && internal.port() == config.http().port()) {
                problems.add("porthole.gateway.cluster.internal-address: with TLS on the public port"
                        + (mtls ? " or cluster.mtls" : "")
                        + ", other gateways forward to a " + (mtls ? "mutual-TLS" : "plain-HTTP")
                        + " listener of this one's at the internal address;"
                        + " give it a port other than http.port ("
                        + config.http().port()
                        + "), for example " + internal.host() + ":"
                        + (config.http().port() == 65535 ? 65534 : config.http().port() + 1)
                        + ", reachable from the other gateways only");
            }
        }
        tls.redirectPort().ifPresent(port -> {
            if (certs.isEmpty() && !acme) {
                problems.add(
                        "porthole.gateway.tls.redirect-port: redirects to https need TLS on the public port; set tls.cert-files or tls.acme.directory-url");
            }
            if (port == config.http().port() && port != 0) {
                problems.add("porthole.gateway.tls.redirect-port: must differ from http.port " + port);
            }
        });
    }

    private static void checkAcme(List<String> problems, GatewayConfig config) {
        AcmeConfig acme = config.tls().acme();
        String keyProblem = dev.porthole.gateway.tls.acme.SealedValues.keyProblem(acme.encryptionKey());
        if (keyProblem != null) {
            problems.add("porthole.gateway.tls.acme.encryption-key: " + keyProblem);
        }
        Dns01Config dns01 = acme.dns01();
        if (dns01.solver().isEmpty() && config.tls().redirectPort().isEmpty()) {
            problems.add(
                    "porthole.gateway.tls.acme.directory-url: the CA checks HTTP-01 challenges over plain HTTP (port 80);"
                            + " set tls.redirect-port (PORTHOLE_GATEWAY_TLS_REDIRECT_PORT=80), or tls.acme.dns01.solver for one wildcard certificate");
        }
        if (dns01.solver().isPresent() && dns01.url().isEmpty()) {
            problems.add("porthole.gateway.tls.acme.dns01.url: the DNS-01 solver "
                    + dns01.solver().get().setting()
                    + " needs the URL of its API (PORTHOLE_GATEWAY_TLS_ACME_DNS01_URL)");
        }
        dns01.url().ifPresent(solverUrl -> {
            if (dns01.solver().isEmpty()) {
                problems.add(
                        "porthole.gateway.tls.acme.dns01.url: set tls.acme.dns01.solver too (PORTHOLE_GATEWAY_TLS_ACME_DNS01_SOLVER), or unset the URL");
            }
            if (!solverUrl.startsWith("http://") && !solverUrl.startsWith("https://") || host(solverUrl) == null) {
                problems.add("porthole.gateway.tls.acme.dns01.url: must be an http:// or https:// URL with a host, was "
                        + solverUrl);
            }
        });
    }

    /** Checks {@code cluster.mtls}: all three files or none, each readable, and a cluster to use them in; true when it is on. */
    private static boolean checkMtls(List<String> problems, ClusterConfig cluster) {
        MtlsConfig mtls = cluster.mtls();
        Map<String, Optional<String>> files = new LinkedHashMap<>();
        files.put("cert-file", mtls.certFile());
        files.put("key-file", mtls.keyFile());
        files.put("ca-file", mtls.caFile());
        List<String> missing = files.entrySet().stream()
                .filter(file -> file.getValue().isEmpty())
                .map(Map.Entry::getKey)
                .toList();
        if (missing.size() == files.size()) {
            return false;
        }
        if (!missing.isEmpty()) {
            problems.add("porthole.gateway.cluster.mtls: set cert-file, key-file and ca-file together; missing: "
                    + String.join(", ", missing) + " (PORTHOLE_GATEWAY_CLUSTER_MTLS_"
                    + missing.getFirst().toUpperCase(Locale.ROOT).replace('-', '_') + ")");
            return false;
        }
        files.forEach((key, file) -> {
            if (!Files.isReadable(Path.of(file.orElseThrow()))) {
                problems.add("porthole.gateway.cluster.mtls." + key + ": " + file.orElseThrow()
                        + " does not exist or cannot be read");
            }
        });
        if (cluster.internalAddress().isEmpty()) {
            problems.add(
                    "porthole.gateway.cluster.mtls: mutual TLS is for the hop between gateways; set cluster.internal-address too");
        }
        return true;
    }

    /** The URL's host, or null when it has none or is no URL. */
    private static String host(String url) {
        try {
            return URI.create(url).getHost();
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** A size (bytes, or bytes per second) that has no Bean Validation constraint of its own: {@code MemorySize}. */
    private static void positive(List<String> problems, String key, MemorySize value) {
        if (value.asLongValue() <= 0) {
            problems.add(key + ": must be positive, was " + value.asLongValue());
        }
    }
}
