package dev.porthole.agent.cli;

import dev.porthole.agent.login.SavedLogin;
import dev.porthole.agent.tunnel.GatewayTrust;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * How to reach and authenticate to the gateway; shared by every tunnel command. Flags win over
 * environment variables, which win over porthole.yml's {@code server}, which wins over the saved
 * login ({@code porthole login}).
 */
public final class ConnectionOptions {

    static final String DEFAULT_SERVER = "http://localhost:8080";

    @Option(
            names = {"-s", "--server"},
            paramLabel = "URL",
            defaultValue = "${env:SERVER}",
            description = {
                "Gateway URL (env SERVER); by default the server",
                "in porthole.yml, else the saved login's, else",
                DEFAULT_SERVER + "."
            })
    String server;

    @Option(
            names = {"-t", "--token"},
            paramLabel = "TOKEN",
            defaultValue = "${env:TOKEN}",
            description =
                    "Token or JWT (env TOKEN; else the saved login). Without token or credentials the agent connects in public mode.")
    String token;

    @Option(
            names = "--token-stdin",
            description =
                    "Read tokens from standard input, one per line: the first to connect with, each "
                            + "later one for the next reconnect (live streams go on). Warns ahead of a JWT's expiry when no newer token has arrived.")
    boolean tokenStdin;

    @Option(
            names = "--credentials",
            paramLabel = "ID:SECRET",
            defaultValue = "${env:CREDENTIALS}",
            description = "Client credentials clientId:clientSecret (env CREDENTIALS).")
    String credentials;

    @Option(
            names = "--client-id",
            paramLabel = "ID",
            defaultValue = "${env:CLIENT_ID}",
            description = "Client id sent with a JWT, which must match its tid claim (env CLIENT_ID).")
    String clientId;

    @Option(
            names = "--report-url",
            paramLabel = "URL",
            defaultValue = "${env:REPORT_URL}",
            description =
                    "Post fatal errors and repeatedly failing reconnects as JSON to this webhook, rate-limited (env REPORT_URL).")
    String reportUrl;

    @Mixin
    TrustOptions trustOptions = new TrustOptions();

    @Option(names = "--agent-path", hidden = true, defaultValue = "${env:AGENT_PATH:-/_porthole/agent}")
    String agentPath;

    @Option(
            names = "--upstream-timeout",
            paramLabel = "DURATION",
            defaultValue = "${env:UPSTREAM_TIMEOUT:-60s}",
            converter = DurationConverter.class,
            description =
                    "How long the local service may take to answer (env UPSTREAM_TIMEOUT, default ${DEFAULT-VALUE}).")
    Duration upstreamTimeout;

    @Option(
            names = "--max-retries",
            paramLabel = "N",
            defaultValue = "${env:MAX_RETRIES:-0}",
            description = "Give up after N failed connection attempts in a row; 0 retries forever (env MAX_RETRIES).")
    int maxRetries;

    @Option(
            names = "--first-connect-timeout",
            paramLabel = "DURATION",
            defaultValue = "${env:FIRST_CONNECT_TIMEOUT:-10s}",
            converter = DurationConverter.class,
            description =
                    "How long a new agent tries to reach the gateway before it says what is wrong (unknown host, nothing on the port) "
                            + "and exits with code 5; once connected it reconnects for ever. 0s: keep trying (env FIRST_CONNECT_TIMEOUT, default ${DEFAULT-VALUE}).")
    Duration firstConnectTimeout;

    @Option(
            names = "--ha",
            paramLabel = "BOOLEAN",
            arity = "0..1",
            fallbackValue = "true",
            defaultValue = "${env:HA}",
            description =
                    "Keep two connections, to two different gateway instances behind --server, that both serve the HTTP tunnels: "
                            + "losing one instance costs nothing (env HA; else porthole.yml's 'ha'; default false).")
    Boolean ha;

    @Option(
            names = "--connections",
            paramLabel = "N",
            defaultValue = "${env:CONNECTIONS:-1}",
            description =
                    "Connections to the gateway that take turns with the HTTP tunnels' requests, each on an event loop of its "
                            + "own at both ends: 2 carries more requests a second through a busy tunnel (env CONNECTIONS, 1 to 16, "
                            + "default ${DEFAULT-VALUE}; not with --ha).")
    int connections;

    /** Takes HA from porthole.yml when neither the flag nor the environment said. */
    void haFallback(Boolean fallback) {
        if (ha == null && fallback != null) {
            ha = fallback;
        }
    }

    boolean ha() {
        return Boolean.TRUE.equals(ha);
    }

    /** Takes the gateway URL from a source below flags and environment variables (porthole.yml) when neither gave one. */
    void serverFallback(String fallback) {
        if ((server == null || server.isBlank()) && fallback != null && !fallback.isBlank()) {
            server = fallback;
        }
    }

    /**
     * Falls back on the saved login: its gateway when none was given, its CA file and pins when no
     * trust option was given, and its credentials when neither token nor credentials were given;
     * all three only for the gateway they were saved for.
     */
    void savedLogin(Optional<SavedLogin> saved) {
        if (saved.isEmpty()) {
            return;
        }
        SavedLogin login = saved.get();
        serverFallback(login.server());
        if (!login.isFor(server)) {
            return;
        }
        trustOptions.fallBackOn(login.caFile(), login.pins());
        if (!blank(token) || !blank(credentials)) {
            return;
        }
        if (login.token() != null) {
            token = login.token();
        } else if (login.clientId() != null && login.clientSecret() != null) {
            credentials = login.clientId() + ":" + login.clientSecret();
        }
    }

    private static boolean blank(String value) {
        return value == null || value.isBlank();
    }

    /** The gateway URL, checked. */
    URI serverUri() {
        String server = this.server == null || this.server.isBlank() ? DEFAULT_SERVER : this.server;
        URI uri;
        try {
            uri = URI.create(server.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--server '" + server + "' is not a URL: " + e.getMessage());
        }
        if (uri.getScheme() == null || uri.getHost() == null) {
            throw new IllegalArgumentException(
                    "--server '" + server + "' must look like http://gateway.example.com:8080");
        }
        return uri;
    }

    /** How the gateway's TLS certificate is checked, validated. */
    GatewayTrust trust() {
        return trustOptions.trust();
    }

    /** The Authorization header for the handshake, or null for public mode. */
    String authorization() {
        boolean hasToken = token != null && !token.isBlank();
        boolean hasCredentials = credentials != null && !credentials.isBlank();
        if (hasToken && hasCredentials) {
            throw new IllegalArgumentException("give either --token or --credentials, not both");
        }
        if (hasToken) {
            return "Bearer " + token.trim();
        }
        if (hasCredentials) {
            if (credentials.indexOf(':') <= 0) {
                throw new IllegalArgumentException("--credentials must be clientId:clientSecret");
            }
            return "Basic "
                    + Base64.getEncoder().encodeToString(credentials.trim().getBytes(StandardCharsets.UTF_8));
        }
        return null;
    }

    /** The client id header: explicit, or the id part of the credentials. */
    String clientIdHeader() {
        if (clientId != null && !clientId.isBlank()) {
            return clientId.trim();
        }
        if (credentials != null && credentials.indexOf(':') > 0) {
            return credentials.substring(0, credentials.indexOf(':')).trim();
        }
        return null;
    }
}
