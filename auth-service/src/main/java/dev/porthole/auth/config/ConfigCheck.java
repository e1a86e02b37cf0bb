package dev.porthole.auth.config;

import dev.porthole.auth.jwt.JwtShape;
import dev.porthole.protocol.config.InvalidConfigurationException;
import io.quarkus.logging.Log;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * Stops start-up with one clear line per mistake when settings that span keys cannot work together,
 * instead of failing later on the first request; a key that breaks its own constraint (on
 * {@link AuthConfig}, {@link ConsoleConfig}, ...) stopped start-up earlier, named by the
 * configuration library with its environment variable.
 */
@ApplicationScoped
public class ConfigCheck {

    /** Shortest internal token accepted. */
    public static final int MIN_INTERNAL_TOKEN_LENGTH = 16;
    /** Shortest configured static token accepted. */
    public static final int MIN_STATIC_TOKEN_LENGTH = 16;

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
            throw InvalidConfigurationException.logged("auth-service", problems);
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

    /**
     * Every mistake the constraints on the keys cannot see, one sentence each starting with the
     * property ({@link InvalidConfigurationException} adds its environment variable).
     */
    public List<String> problems() {
        List<String> problems = new ArrayList<>();
        if (internal.requireClientCertificate() && !clientCertificatesAsked()) {
            problems.add(
                    "porthole.internal.require-client-certificate: needs QUARKUS_HTTP_SSL_CLIENT_AUTH=request (or required), a TLS"
                            + " certificate and a trust store holding the internal CA (QUARKUS_TLS_KEY_STORE_PEM_0_CERT, _KEY,"
                            + " QUARKUS_TLS_TRUST_STORE_PEM_CERTS), so that the handshake asks the gateways for their certificates and checks them");
        }
        auth.staticTokens().orElse(List.of()).stream()
                .filter(JwtShape::isJwt)
                .findAny()
                .ifPresent(
                        t -> problems.add(
                                "porthole.auth.static-tokens: an entry looks like a JWT (three dot-separated parts); static tokens must not contain dots"));
        if (auth.defaultPageSize() > auth.maxPageSize()) {
            problems.add("porthole.auth.default-page-size: must be at most porthole.auth.max-page-size"
                    + " (PORTHOLE_AUTH_MAX_PAGE_SIZE, " + auth.maxPageSize() + "), it is " + auth.defaultPageSize());
        }
        if (auth.publicMode().warningLead().compareTo(auth.publicMode().sessionLifetime()) >= 0) {
            problems.add("porthole.auth.public.warning-lead: must be shorter than porthole.auth.public.session-lifetime"
                    + " (PORTHOLE_AUTH_PUBLIC_SESSION_LIFETIME)");
        }
        console.notificationUrl()
                .filter(u -> !("http".equals(u.getScheme()) || "https".equals(u.getScheme())) || u.getHost() == null)
                .ifPresent(u -> problems.add(
                        "porthole.console.notification-url: must be an http(s) URL such as http://notify:8082 (it is '"
                                + u + "')"));
        return problems;
    }
}
