package dev.porthole.gateway.auth;

import dev.porthole.gateway.config.AuthConfig;
import dev.porthole.gateway.config.GatewayConfig;
import dev.porthole.gateway.config.InternalCredential;
import dev.porthole.gateway.config.ServiceTlsConfig;
import io.quarkus.logging.Log;
import io.quarkus.rest.client.reactive.QuarkusRestClientBuilder;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** Picks how agents are authenticated: by auth-service when its URL is configured, else by static tokens (or public mode). */
public class AuthenticatorSelection {

    @Produces
    @Singleton
    AgentAuthenticator authenticator(GatewayConfig config, InternalCredential internal) {
        AuthConfig auth = config.auth();
        if (auth.serviceUrl().isEmpty()) {
            Log.infof(
                    auth.tokens().filter(t -> !t.isEmpty()).isPresent()
                            ? "agents authenticate with the configured static tokens"
                            : "no tokens and no auth-service configured: public mode, anyone may connect and gets random names");
            return new StaticTokenAuthenticator(config);
        }
        if (internal.token().isEmpty()) {
            Log.error(
                    "porthole.gateway.auth.service-url is set but PORTHOLE_INTERNAL_TOKEN is not: auth-service will refuse the gateway");
        }
        AuthServiceApi api = api(auth.serviceUrl().get(), auth.serviceTimeout(), auth.serviceTls());
        Log.infof(
                "agents authenticate with auth-service at %s%s",
                auth.serviceUrl().get(),
                auth.serviceTls().certFile().isPresent()
                        ? " (presenting the client certificate "
                                + auth.serviceTls().certFile().get() + ")"
                        : "");
        return new AuthServiceAuthenticator(
                api,
                internal.token().orElse(null),
                auth.serviceTimeout(),
                new PrincipalCache(auth.cacheTtl(), auth.cacheSize(), Clock.systemUTC()));
    }

    /** The REST client for auth-service at {@code base}, with {@code tls} when it is https. */
    static AuthServiceApi api(URI base, Duration timeout, ServiceTlsConfig tls) {
        QuarkusRestClientBuilder builder = QuarkusRestClientBuilder.newBuilder()
                .baseUri(base)
                .connectTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
                .readTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS);
        AuthServiceTls.of(tls).ifPresent(builder::tlsConfiguration);
        return builder.build(AuthServiceApi.class);
    }
}
