package dev.porthole.e2e.support;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** A real HTTP client for visitors: the JDK's, allowed to set Host for subdomain routing. */
public final class Http {

    private static final HttpClient CLIENT = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .build();

    private Http() {}

    public static HttpClient client() {
        return CLIENT;
    }

    public static HttpResponse<String> get(String url) {
        return send(
                HttpRequest.newBuilder(URI.create(url))
                        .timeout(Duration.ofSeconds(60))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** GET through the gateway by subdomain: the request goes to the gateway with {@code Host: <name>.<domain>}. */
    public static HttpResponse<String> getByHost(PortholeSystem system, String name, String path) {
        return getByHost(system, system.gatewayPort(), name, path);
    }

    /** GET by subdomain through the gateway listening on {@code port}. */
    public static HttpResponse<String> getByHost(PortholeSystem system, int port, String name, String path) {
        return send(
                HttpRequest.newBuilder(URI.create(system.gatewayUrl(path, port)))
                        .header("Host", system.host(name, port))
                        .timeout(Duration.ofSeconds(60))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    public static <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> body) {
        try {
            return CLIENT.send(request, body);
        } catch (Exception e) {
            throw new AssertionError(request.method() + " " + request.uri() + " failed: " + e, e);
        }
    }
}
