package dev.porthole.gateway.health;

import dev.porthole.gateway.auth.AuthServiceTls;
import dev.porthole.gateway.config.GatewayConfig;
import io.quarkus.logging.Log;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready only while auth-service answers HTTP, when the gateway is configured to ask it about agents
 * ({@code porthole.gateway.auth.service-url}): without it no agent can connect. Any HTTP answer
 * counts, since auth-service's API port serves no health endpoint of its own (that is on its
 * management port, which the gateway need not reach). Without a service URL the check is up.
 */
@Readiness
@ApplicationScoped
public class AuthServiceReadiness implements HealthCheck {

    static final String NAME = "auth-service";

    private final Optional<URI> serviceUrl;
    private final Duration timeout;
    private final HttpClient client;

    AuthServiceReadiness(GatewayConfig config, Vertx vertx) {
        this.serviceUrl = config.auth().serviceUrl();
        this.timeout = config.auth().serviceTimeout();
        HttpClient.Builder builder =
                HttpClient.newBuilder().connectTimeout(timeout).version(HttpClient.Version.HTTP_1_1);
        try {
            AuthServiceTls.sslContext(config.auth().serviceTls(), vertx).ifPresent(builder::sslContext);
        } catch (Exception e) {
            // The REST client reads the same files and fails each agent handshake with the reason; readiness then says
            // down.
            Log.errorf("cannot read auth.service-tls's files for the readiness check: %s", e.getMessage());
        }
        this.client = builder.build();
    }

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder response = HealthCheckResponse.named(NAME);
        if (serviceUrl.isEmpty()) {
            return response.up()
                    .withData("mode", "not configured: static tokens or public mode")
                    .build();
        }
        URI url = serviceUrl.get();
        response.withData("url", url.toString());
        try {
            HttpResponse<Void> answer = client.send(
                    HttpRequest.newBuilder(url).timeout(timeout).GET().build(), HttpResponse.BodyHandlers.discarding());
            return response.up().withData("status", answer.statusCode()).build();
        } catch (IOException e) {
            return response.down()
                    .withData(
                            "error",
                            "auth-service did not answer within " + timeout.toMillis() + " ms: "
                                    + e.getClass().getSimpleName())
                    .build();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return response.down().withData("error", "interrupted").build();
        }
    }
}
