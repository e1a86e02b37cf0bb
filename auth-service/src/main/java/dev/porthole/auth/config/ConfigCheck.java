package dev.porthole.auth.config;

import dev.porthole.auth.jwt.JwtShape;
import dev.porthole.protocol.admin.AdminTokenKey;
import io.quarkus.logging.Log;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * Stops start-up with one clear line per mistake when the configuration cannot work, instead of
 * failing later on the first request.
 */
@ApplicationScoped
public class ConfigCheck {

    /** Shortest internal token accepted. */
    public static final int MIN_INTERNAL_TOKEN_LENGTH = 16;
    /** Shortest configured static token accepted. */
    public static final int MIN_STATIC_TOKEN_LENGTH = 16;
    /** Largest tolerance on a JWT's exp and nbf: beyond it an expired token stays good too long. */
    public static final Duration MAX_CLOCK_SKEW = Duration.ofMinutes(5);
    /** Longest admin JWT lifetime: a working day, so a leaked token does not outlive it. */
    public static final Duration MAX_ADMIN_TOKEN_LIFETIME = Duration.ofHours(8);

    private final AuthConfig auth;
    private final AdminConfig admin;
    private final InternalConfig internal;
    private final ConsoleConfig console;

    public ConfigCheck(AuthConfig auth, AdminConfig admin, InternalConfig internal, ConsoleConfig console) {
        this.auth = auth;
        this.admin = admin;
        this.internal = internal;
        this.console = console;
    }

    void onStart(@Observes StartupEvent event) {
        List<String> problems = problems();
        if (!problems.isEmpty()) {
            throw new IllegalStateException("auth-service cannot start:\n  - " + String.join("\n  - ", problems));
        }
        if (admin.key().isEmpty()) {
            Log.warn("PORTHOLE_ADMIN_KEY is not set: the admin API answers 503 until it is");
        }
        if (internal.token().isEmpty()) {
            Log.warn("PORTHOLE_INTERNAL_TOKEN is not set: gateways cannot authenticate agents until it is");
        }
    }

    private static boolean clientCertificatesAsked() {
        String clientAuth = ConfigProvider.getConfig()
                .getOptionalValue("quarkus.http.ssl.client-auth", String.class)
                .orElse("none");
        return clientAuth.equalsIgnoreCase("request") || clientAuth.equalsIgnoreCase("required");
    }

    /** Every mistake in the configuration, one sentence each naming the setting. */
    public List<String> problems() {
        List<String> problems = new ArrayList<>();
        admin.key()
                .filter(k -> k.length() < AdminTokenKey.MIN_ADMIN_KEY_LENGTH)
                .ifPresent(k -> problems.add("PORTHOLE_ADMIN_KEY must be at least " + AdminTokenKey.MIN_ADMIN_KEY_LENGTH
                        + " characters (it has " + k.length() + ")"));
        internal.token()
                .filter(t -> t.length() < MIN_INTERNAL_TOKEN_LENGTH)
                .ifPresent(t -> problems.add(
                        "PORTHOLE_INTERNAL_TOKEN must be at least " + MIN_INTERNAL_TOKEN_LENGTH + " characters"));
        if (internal.requireClientCertificate() && !clientCertificatesAsked()) {
            problems.add(
                    "PORTHOLE_INTERNAL_REQUIRE_CLIENT_CERTIFICATE needs QUARKUS_HTTP_SSL_CLIENT_AUTH=request (or required), a TLS"
                            + " certificate and a trust store holding the internal CA (QUARKUS_TLS_KEY_STORE_PEM_0_CERT, _KEY,"
                            + " QUARKUS_TLS_TRUST_STORE_PEM_CERTS), so that the handshake asks the gateways for their certificates and checks them");
        }
        auth.staticTokens().orElse(List.of()).stream()
                .filter(t -> t.length() < MIN_STATIC_TOKEN_LENGTH)
                .findAny()
                .ifPresent(t -> problems.add("every PORTHOLE_AUTH_STATIC_TOKENS entry must be at least "
                        + MIN_STATIC_TOKEN_LENGTH + " characters"));
        auth.staticTokens().orElse(List.of()).stream()
                .filter(JwtShape::isJwt)
                .findAny()
                .ifPresent(
                        t -> problems.add(
                                "a PORTHOLE_AUTH_STATIC_TOKENS entry looks like a JWT (three dot-separated parts); static tokens must not contain dots"));
        if (auth.bcryptCost() < 4 || auth.bcryptCost() > 31) {
            problems.add("PORTHOLE_AUTH_BCRYPT_COST must be between 4 and 31 (it is " + auth.bcryptCost() + ")");
        }
        if (auth.defaultPageSize() < 1 || auth.defaultPageSize() > auth.maxPageSize()) {
            problems.add("PORTHOLE_AUTH_DEFAULT_PAGE_SIZE must be between 1 and PORTHOLE_AUTH_MAX_PAGE_SIZE");
        }
        if (auth.maxTokensPerClient() < 1) {
            problems.add("PORTHOLE_AUTH_MAX_TOKENS_PER_CLIENT must be at least 1");
        }
        positive(problems, "PORTHOLE_AUTH_ADMIN_TOKEN_LIFETIME", auth.adminTokenLifetime());
        positive(
                problems,
                "PORTHOLE_AUTH_PUBLIC_SESSION_LIFETIME",
                auth.publicMode().sessionLifetime());
        if (auth.publicMode().warningLead().isNegative()
                || auth.publicMode().warningLead().compareTo(auth.publicMode().sessionLifetime()) >= 0) {
            problems.add(
                    "PORTHOLE_AUTH_PUBLIC_WARNING_LEAD must be shorter than PORTHOLE_AUTH_PUBLIC_SESSION_LIFETIME");
        }
        if (auth.jwt().clockSkew().isNegative()) {
            problems.add("PORTHOLE_AUTH_JWT_CLOCK_SKEW must not be negative");
        }
        atMost(
                problems,
                "porthole.auth.jwt.clock-skew",
                auth.jwt().clockSkew(),
                MAX_CLOCK_SKEW,
                "the tolerance on a JWT's exp and nbf");
        atMost(
                problems,
                "porthole.auth.admin-token-lifetime",
                auth.adminTokenLifetime(),
                MAX_ADMIN_TOKEN_LIFETIME,
                "how long an admin JWT stays valid");
        positive(problems, "PORTHOLE_AUTH_FAILURES_WINDOW", auth.failures().window());
        positive(
                problems,
                "PORTHOLE_AUTH_FAILURES_FLUSH_INTERVAL",
                auth.failures().flushInterval());
        console.notificationUrl()
                .filter(u -> !("http".equals(u.getScheme()) || "https".equals(u.getScheme())) || u.getHost() == null)
                .ifPresent(u -> problems.add(
                        "PORTHOLE_CONSOLE_NOTIFICATION_URL must be an http(s) URL such as http://notify:8082 (it is '"
                                + u + "')"));
        positive(problems, "PORTHOLE_CONSOLE_NOTIFICATION_TIMEOUT", console.notificationTimeout());
        if (console.refreshInterval().compareTo(Duration.ofMillis(500)) < 0) {
            problems.add("PORTHOLE_CONSOLE_REFRESH_INTERVAL must be at least 500ms");
        }
        if (console.maxEvents() < 1 || console.maxEvents() > 1000) {
            problems.add("PORTHOLE_CONSOLE_MAX_EVENTS must be between 1 and 1000");
        }
        if (auth.failures().perAddress() < 1 || auth.failures().perClient() < 1) {
            problems.add("PORTHOLE_AUTH_FAILURES_PER_ADDRESS and PORTHOLE_AUTH_FAILURES_PER_CLIENT must be at least 1");
        }
        return problems;
    }

    private static void atMost(List<String> problems, String property, Duration value, Duration bound, String what) {
        if (value.compareTo(bound) > 0) {
            problems.add(property + " (" + environmentName(property) + ") must be at most " + shortForm(bound) + ", "
                    + what + " (it is " + shortForm(value) + ")");
        }
    }

    private static String environmentName(String property) {
        return property.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    /** {@code 8h}, {@code 5m}, {@code 301s} or {@code 1500ms}: the largest unit that divides the duration. */
    private static String shortForm(Duration d) {
        if (d.toMillis() % 1000 != 0) {
            return d.toMillis() + "ms";
        }
        long seconds = d.toSeconds();
        return seconds % 3600 == 0 ? seconds / 3600 + "h" : seconds % 60 == 0 ? seconds / 60 + "m" : seconds + "s";
    }

    private static void positive(List<String> problems, String name, Duration value) {
        if (value.isZero() || value.isNegative()) {
            problems.add(name + " must be a positive duration such as 30s or 10m (it is " + value + ")");
        }
    }
}
