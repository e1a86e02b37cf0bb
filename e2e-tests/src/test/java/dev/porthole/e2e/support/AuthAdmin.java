package dev.porthole.e2e.support;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The auth-service admin API, as an operator uses it: an admin token from the bootstrap key, then clients with grants. */
public final class AuthAdmin {

    private static final Pattern FIELD = Pattern.compile("\"(accessToken|clientSecret)\"\\s*:\\s*\"([^\"]+)\"");

    private final String baseUrl;
    private final String adminKey;
    private String adminToken;

    AuthAdmin(String baseUrl, String adminKey) {
        this.baseUrl = baseUrl;
        this.adminKey = adminKey;
    }

    /** Creates a client with these grants (a JSON object) and returns {@code id:secret} for {@code --credentials}. */
    public String createClient(String id, String grantsJson) {
        HttpResponse<String> created = post("/api/v1/clients", "{\"id\":\"" + id + "\",\"grants\":" + grantsJson + "}", "Bearer " + token());
        if (created.statusCode() != 201) {
            throw new AssertionError("creating client " + id + " answered " + created.statusCode() + ": " + created.body());
        }
        return id + ":" + field(created.body(), "clientSecret");
    }

    private String token() {
        if (adminToken == null) {
            HttpResponse<String> answer = post("/api/v1/admin/token", "", "Bearer " + adminKey);
            if (answer.statusCode() != 200) {
                throw new AssertionError("admin token: " + answer.statusCode() + " " + answer.body());
            }
            adminToken = field(answer.body(), "accessToken");
        }
        return adminToken;
    }

    private HttpResponse<String> post(String path, String body, String authorization) {
        return Http.send(HttpRequest.newBuilder(URI.create(baseUrl + path)).header("Authorization", authorization)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static String field(String json, String name) {
        Matcher matcher = FIELD.matcher(json);
        while (matcher.find()) {
            if (matcher.group(1).equals(name)) {
                return matcher.group(2);
            }
        }
        throw new AssertionError("no " + name + " in " + json);
    }
}
