package dev.porthole.e2e.support;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * The calls an operator makes to auth-service's admin API, over real HTTP. Answers are checked for
 * their status and the one field a journey needs is read out of the JSON.
 */
public final class AdminApi {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String base;
    private final String adminKey;
    private String accessToken;

    AdminApi(String base, String adminKey) {
        this.base = base;
        this.adminKey = adminKey;
    }

    /** Creates a client with the given grants (a JSON object) and returns its secret, shown only now. */
    public String createClient(String id, String grantsJson) {
        String body = call("POST", "/api/v1/clients", "{\"id\":\"" + id + "\",\"grants\":" + grantsJson + "}", 201);
        return field(body, "clientSecret");
    }

    /** Creates a client with the given grants and returns {@code id:secret}, as {@code --credentials} takes them. */
    public String createCredentials(String id, String grantsJson) {
        return id + ":" + createClient(id, grantsJson);
    }

    /** Replaces the client's grants (a JSON object). */
    public void updateGrants(String id, String grantsJson) {
        call("PUT", "/api/v1/clients/" + id + "/grants", "{\"grants\":" + grantsJson + "}", 200);
    }

    public void disableClient(String id) {
        call("POST", "/api/v1/clients/" + id + "/disable", "", 200);
    }

    /** Issues a static token ({@code pht_...}) for the client and returns its value, shown only now. */
    public String issueToken(String clientId) {
        String body = call("POST", "/api/v1/clients/" + clientId + "/tokens", "{\"kind\":\"STATIC\"}", 201);
        return field(body, "value");
    }

    /** Issues a JWT for the client, valid for the given time. */
    public String issueJwt(String clientId, Duration lifetime) {
        String body = call(
                "POST",
                "/api/v1/clients/" + clientId + "/tokens",
                "{\"kind\":\"JWT\",\"lifetimeSeconds\":" + lifetime.toSeconds() + "}",
                201);
        return field(body, "value");
    }

    private String token() {
        if (accessToken == null) {
            HttpResponse<String> response = Http.send(
                    HttpRequest.newBuilder(URI.create(base + "/api/v1/admin/token"))
                            .header("Authorization", "Bearer " + adminKey)
                            .POST(HttpRequest.BodyPublishers.noBody())
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            expect(response, 200);
            accessToken = field(response.body(), "accessToken");
        }
        return accessToken;
    }

    private String call(String method, String path, String json, int expected) {
        HttpResponse<String> response = Http.send(
                HttpRequest.newBuilder(URI.create(base + path))
                        .header("Authorization", "Bearer " + token())
                        .header("Content-Type", "application/json")
                        .timeout(Duration.ofSeconds(30))
                        .method(method, HttpRequest.BodyPublishers.ofString(json))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        expect(response, expected);
        return response.body();
    }

    private static void expect(HttpResponse<String> response, int status) {
        if (response.statusCode() != status) {
            throw new AssertionError(response.request().method() + " " + response.uri() + " answered "
                    + response.statusCode() + " (expected " + status + "): " + response.body());
        }
    }

    /** A top-level text field of a JSON answer. */
    private static String field(String json, String name) {
        try {
            JsonNode value = JSON.readTree(json).path(name);
            if (!value.isTextual()) {
                throw new AssertionError("no text field \"" + name + "\" in " + json);
            }
            return value.asText();
        } catch (JsonProcessingException e) {
            throw new AssertionError("not JSON: " + json, e);
        }
    }
}
