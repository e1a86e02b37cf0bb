package dev.porthole.gateway.config;

import dev.porthole.protocol.frame.FrameCodec;
import io.vertx.core.net.SocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Checks the gateway configuration as a whole and reports every mistake at once, each naming its
 * key, so that one restart fixes them all.
 */
public final class ConfigCheck {

    private static final Pattern DOMAIN = Pattern.compile(
            "^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$");

    private ConfigCheck() {}

    /** The mistakes in {@code config}, one sentence each; empty when it is fine. */
    public static List<String> problems(GatewayConfig config) {
        List<String> problems = new ArrayList<>();
        HttpConfig http = config.http();
        if (!DOMAIN.matcher(http.domain()).matches()) {
            problems.add("porthole.gateway.http.domain: '" + http.domain() + "' is not a lower-case DNS name");
        }
        checkPort(problems, "porthole.gateway.http.port", http.port());
        http.publicPort().ifPresent(port -> checkPort(problems, "porthole.gateway.http.public-port", port));
        if (!http.agentPath().startsWith("/")) {
            problems.add("porthole.gateway.http.agent-path: must start with '/', was '" + http.agentPath() + "'");
        }
        if (!http.pathPrefix().startsWith("/")
                || !http.pathPrefix().endsWith("/")
                || http.pathPrefix().length() < 3) {
            problems.add("porthole.gateway.http.path-prefix: must look like '/t/', was '" + http.pathPrefix() + "'");
        }
        if (http.agentPath().startsWith(http.pathPrefix())) {
            problems.add(
                    "porthole.gateway.http.agent-path: must not lie under path-prefix '" + http.pathPrefix() + "'");
        }
        positive(
                problems,
                "porthole.gateway.http.response-timeout",
                http.responseTimeout().toMillis());
        positive(
                problems,
                "porthole.gateway.http.idle-timeout",
                http.idleTimeout().toMillis());
        positive(
                problems,
                "porthole.gateway.http.request-head-timeout",
                http.requestHeadTimeout().toMillis());
        http.eventLoops().ifPresent(n -> positive(problems, "porthole.gateway.http.event-loops", n));

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
        positive(problems, "porthole.gateway.tunnel.max-streams-per-session", tunnel.maxStreamsPerSession());
        positive(problems, "porthole.gateway.tunnel.max-tunnels-per-session", tunnel.maxTunnelsPerSession());
        positive(
                problems,
                "porthole.gateway.tunnel.handshake-timeout",
                tunnel.handshakeTimeout().toMillis());

        HeartbeatConfig heartbeat = config.heartbeat();
        positive(
                problems,
                "porthole.gateway.heartbeat.interval",
                heartbeat.interval().toMillis());
        if (heartbeat.timeout().compareTo(heartbeat.interval().multipliedBy(2)) < 0) {
            problems.add("porthole.gateway.heartbeat.timeout: must be at least twice heartbeat.interval ("
                    + heartbeat.interval() + "), was " + heartbeat.timeout());
        }
        RegistryConfig registry = config.registry();
        positive(
                problems,
                "porthole.gateway.registry.refresh-interval",
                registry.refreshInterval().toMillis());
        if (registry.ttl().compareTo(registry.refreshInterval().multipliedBy(2)) < 0) {
            problems.add("porthole.gateway.registry.ttl: must be at least twice registry.refresh-interval ("
                    + registry.refreshInterval() + "), was " + registry.ttl());
        }
        positive(problems, "porthole.gateway.registry.random-name-attempts", registry.randomNameAttempts());
        if (registry.nameTombstone().isNegative()) {
            problems.add(
                    "porthole.gateway.registry.name-tombstone: must be 0s or more, was " + registry.nameTombstone());
        }
        if (config.auth().publicSessionsPerAddress() < 0) {
            problems.add("porthole.gateway.auth.public-sessions-per-address: must be 0 (no limit) or more, was "
                    + config.auth().publicSessionsPerAddress());
        }
        if (config.auth().publicSessions() < 0) {
            problems.add("porthole.gateway.auth.public-sessions: must be 0 (no limit) or more, was "
                    + config.auth().publicSessions());
        }
        config.auth().tokens().ifPresent(tokens -> {
            for (int i = 0; i < tokens.size(); i++) {
                if (tokens.get(i).length() < 16) {
                    problems.add("porthole.gateway.auth.tokens[" + i + "]: a token must be at least 16 characters");
                }
            }
        });
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
        positive(
                problems,
                "porthole.gateway.auth.service-timeout",
                auth.serviceTimeout().toMillis());
        positive(problems, "porthole.gateway.auth.cache-size", auth.cacheSize());

        TcpConfig tcp = config.tcp();
        if (tcp.portRange().contains(http.port())) {
            problems.add("porthole.gateway.tcp.port-range: " + tcp.portRange() + " contains http.port " + http.port());
        }
        positive(problems, "porthole.gateway.tcp.max-connections-per-tunnel", tcp.maxConnectionsPerTunnel());
        positive(
                problems, "porthole.gateway.tcp.idle-timeout", tcp.idleTimeout().toMillis());
        positive(problems, "porthole.gateway.tcp.allocation-attempts", tcp.allocationAttempts());
        positive(
                problems,
                "porthole.gateway.metrics.max-tunnels",
                config.metrics().maxTunnels());
        positive(
                problems,
                "porthole.gateway.metrics.max-clients",
                config.metrics().maxClients());
        long checkMillis = config.configFileCheckInterval().toMillis();
        if (checkMillis < 100 || checkMillis > 60_000) {
            problems.add("porthole.gateway.config-file-check-interval: must be between 100ms and 1m, was "
                    + config.configFileCheckInterval());
        }
        if (config.shutdown().preDrainDelay().isNegative()) {
            problems.add("porthole.gateway.shutdown.pre-drain-delay: must be 0s or more, was "
                    + config.shutdown().preDrainDelay());
        }
        if (config.shutdown().drainTimeout().isNegative()) {
            problems.add("porthole.gateway.shutdown.drain-timeout: must be 0s or more, was "
                    + config.shutdown().drainTimeout());
        }

        LimitsConfig limits = config.limits();
        BandwidthConfig bandwidth = limits.bandwidth();
        bandwidth
                .upload()
                .ifPresent(rate -> positive(problems, "porthole.gateway.limits.bandwidth.upload", rate.asLongValue()));
        bandwidth
                .download()
                .ifPresent(
                        rate -> positive(problems, "porthole.gateway.limits.bandwidth.download", rate.asLongValue()));
        bandwidth
                .clientUpload()
                .ifPresent(rate ->
                        positive(problems, "porthole.gateway.limits.bandwidth.client-upload", rate.asLongValue()));
        bandwidth
                .clientDownload()
                .ifPresent(rate ->
                        positive(problems, "porthole.gateway.limits.bandwidth.client-download", rate.asLongValue()));
        positive(problems, "porthole.gateway.limits.streams-per-tunnel", limits.streamsPerTunnel());
        limits.requestsPerSecondPerTunnel()
                .ifPresent(rate -> positive(problems, "porthole.gateway.limits.requests-per-second-per-tunnel", rate));
        positive(
                problems,
                "porthole.gateway.limits.max-body-size",
                limits.maxBodySize().asLongValue());

        positive(
                problems,
                "porthole.gateway.policy.webhook-tolerance",
                config.policy().webhookTolerance().toSeconds());
        positive(
                problems,
                "porthole.gateway.policy.oidc-discovery-timeout",
                config.policy().oidcDiscoveryTimeout().toMillis());
        positive(
                problems,
                "porthole.gateway.policy.oidc-session",
                config.policy().oidcSession().toSeconds());
        positive(
                problems,
                "porthole.gateway.policy.webhook-max-body",
                config.policy().webhookMaxBody().asLongValue());
        positive(
                problems,
                "porthole.gateway.policy.rate-limit-visitors",
                config.policy().rateLimitVisitors());

        ClusterConfig cluster = config.cluster();
        cluster.internalAddress().ifPresent(address -> {
            String problem = InternalAddress.problem(address);
            if (problem != null) {
                problems.add("porthole.gateway.cluster.internal-address: " + problem);
            }
        });
        positive(
                problems,
                "porthole.gateway.cluster.connect-timeout",
                cluster.connectTimeout().toMillis());
        positive(problems, "porthole.gateway.cluster.max-connections-per-peer", cluster.maxConnectionsPerPeer());
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
        long checkMillis = tls.reloadCheckInterval().toMillis();
        if (checkMillis < 100 || checkMillis > 3_600_000) {
            problems.add("porthole.gateway.tls.reload-check-interval: must be between 100ms and 1h, was "
                    + tls.reloadCheckInterval());
        }
        tls.hstsMaxAge()
                .filter(Duration::isNegative)
                .ifPresent(age -> problems.add("porthole.gateway.tls.hsts-max-age: must be 0s or more, was " + age));
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
            checkPort(problems, "porthole.gateway.tls.redirect-port", port);
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
        String url = acme.directoryUrl().orElseThrow();
        if (!url.startsWith("https://") && !url.startsWith("acme://")) {
            problems.add(
                    "porthole.gateway.tls.acme.directory-url: must be an https:// URL (or an acme4j acme:// URI), was "
                            + url);
        }
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
        positive(problems, "porthole.gateway.tls.acme.max-orders-per-hour", acme.maxOrdersPerHour());
        positive(
                problems,
                "porthole.gateway.tls.acme.renew-check-interval",
                acme.renewCheckInterval().toMillis());
        positive(
                problems,
                "porthole.gateway.tls.acme.order-timeout",
                acme.orderTimeout().toMillis());
        positive(
                problems,
                "porthole.gateway.tls.acme.retry-after",
                acme.retryAfter().toMillis());
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

    private static void checkPort(List<String> problems, String key, int port) {
        if (port < 0 || port > 65535) {
            problems.add(key + ": must be between 0 and 65535, was " + port);
        }
    }

    private static void positive(List<String> problems, String key, long value) {
        if (value <= 0) {
            problems.add(key + ": must be positive, was " + value);
        }
    }
}
