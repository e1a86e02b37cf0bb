package dev.porthole.gateway.tls;

import dev.porthole.gateway.config.GatewayConfig;
import dev.porthole.gateway.config.HttpConfig;
import dev.porthole.gateway.control.PublicAddresses;
import dev.porthole.gateway.ingress.Addressing;
import dev.porthole.gateway.ingress.ErrorPages;
import io.quarkus.logging.Log;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.HostAndPort;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.TimeUnit;

/**
 * The optional plain-HTTP listener ({@code tls.redirect-port}, 80 on a VPS): every request for a
 * host the gateway serves gets a 308 to the same path over https (308 keeps the method and body,
 * unlike 301); ACME HTTP-01 challenges are answered before that. Hosts the gateway does not serve get
 * 421, so the listener is no open redirect.
 */
@ApplicationScoped
public class HttpsRedirect {

    private final Vertx vertx;
    private final GatewayConfig config;
    private final Addressing addressing;
    private final PublicAddresses addresses;
    private final AcmeHttpChallenges challenges;
    private volatile HttpServer server;

    public HttpsRedirect(
            Vertx vertx,
            GatewayConfig config,
            Addressing addressing,
            PublicAddresses addresses,
            AcmeHttpChallenges challenges) {
        this.vertx = vertx;
        this.config = config;
        this.addressing = addressing;
        this.addresses = addresses;
        this.challenges = challenges;
    }

    /** Listens on {@code tls.redirect-port} if it is set; the future fails when the port cannot be bound. */
    public Future<Void> start() {
        if (config.tls().redirectPort().isEmpty()) {
            return Future.succeededFuture();
        }
        int port = config.tls().redirectPort().getAsInt();
        HttpConfig http = config.http();
        HttpServerOptions options = new HttpServerOptions()
                .setHost(http.host())
                .setPort(port)
                .setReuseAddress(true)
                .setHttp2ClearTextEnabled(false)
                .setMaxHeaderSize((int) http.maxHeaderSize().asLongValue())
                .setMaxInitialLineLength((int) http.maxInitialLineLength().asLongValue())
                // Nothing here is long-lived: a connection that sends nothing for the head timeout is closed.
                .setIdleTimeout((int) Math.max(1, http.requestHeadTimeout().toSeconds()))
                .setIdleTimeoutUnit(TimeUnit.SECONDS);
        HttpServer created = vertx.createHttpServer(options).requestHandler(this::handle);
        return created.listen()
                .onSuccess(bound -> {
                    server = bound;
                    Log.infof("redirecting plain HTTP on %s:%d to https", http.host(), bound.actualPort());
                })
                .mapEmpty();
    }

    /** The bound port (for tests that bind port 0), or -1 before start. */
    public int actualPort() {
        HttpServer bound = server;
        return bound == null ? -1 : bound.actualPort();
    }

    public Future<Void> close() {
        HttpServer bound = server;
        return bound == null ? Future.succeededFuture() : bound.close();
    }

    void handle(HttpServerRequest request) {
        String path = request.path() == null ? "/" : request.path();
        if (path.startsWith(AcmeHttpChallenges.PATH_PREFIX)) {
            challenges
                    .keyAuthorization(path.substring(AcmeHttpChallenges.PATH_PREFIX.length()))
                    .onComplete(answer -> {
                        if (answer.succeeded() && answer.result().isPresent()) {
                            request.response()
                                    .putHeader(HttpHeaders.CONTENT_TYPE, "text/plain")
                                    .end(answer.result().get());
                        } else {
                            ErrorPages.send(
                                    request,
                                    404,
                                    "no-challenge",
                                    "Not Found",
                                    "No ACME challenge with this token is pending.");
                        }
                    });
            return;
        }
        HostAndPort authority = request.authority();
        String host = authority == null ? null : authority.host();
        switch (addressing.resolve(host, request.uri())) {
            case Addressing.BadRequest bad -> ErrorPages.send(request, 400, "bad-request", "Bad Request", bad.reason());
            case Addressing.OtherHost other ->
                ErrorPages.send(
                        request,
                        421,
                        "unknown-host",
                        "Misdirected Request",
                        "This gateway serves tunnels at <name>." + config.http().domain()
                                + " only; the host this request names is not one of them.");
            default -> {
                String query = request.query();
                String location = "https://" + addresses.secureAuthority(host.toLowerCase(java.util.Locale.ROOT)) + path
                        + (query == null ? "" : "?" + query);
                request.response()
                        .setStatusCode(308)
                        .putHeader(HttpHeaders.LOCATION, location)
                        .putHeader(HttpHeaders.CONTENT_LENGTH, "0")
                        .end();
            }
        }
    }
}
