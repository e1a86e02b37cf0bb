package dev.porthole.auth.notify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.porthole.auth.config.ConsoleConfig;
import dev.porthole.auth.jwt.AdminJwtVerifier;
import dev.porthole.auth.jwt.JwtIssuer;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * notification-service's admin API as the console uses it: channels, a channel's test message and
 * dead letters. Each call carries an admin JWT minted for the operator, signed with the key both
 * services derive from {@code PORTHOLE_ADMIN_KEY}, valid for one minute. Answers are read up to
 * {@link #MAX_ANSWER_BYTES}; anything that goes wrong becomes a {@link NotificationUnavailable}
 * whose message says what to check.
 */
@ApplicationScoped
public class NotificationServiceClient {

    /** Largest answer read from notification-service. */
    public static final int MAX_ANSWER_BYTES = 1024 * 1024;
    private static final Duration TOKEN_LIFETIME = Duration.ofMinutes(1);

    /** One channel (its URL already masked by notification-service). */
    public record ChannelRow(String id, String provider, String url, String eventTypes, String minSeverity, String origin) {
    }

    /** What a test message gave. */
    public record TestOutcome(String channel, String outcome, boolean delivered, String detail) {
    }

    /** One dead letter. */
    public record DeadLetterRow(String id, String kind, String reason, String channel, int attempts, String at, String eventType) {
    }

    private final Optional<URI> baseUrl;
    private final Duration timeout;
    private final AdminJwtVerifier adminKey;
    private final JwtIssuer issuer;
    private final ObjectMapper mapper;
    private final Clock clock;
    private final HttpClient http;

    public NotificationServiceClient(ConsoleConfig config, AdminJwtVerifier adminKey, JwtIssuer issuer, ObjectMapper mapper, Clock clock) {
        this.baseUrl = config.notificationUrl();
        this.timeout = config.notificationTimeout();
        this.adminKey = adminKey;
        this.issuer = issuer;
        this.mapper = mapper;
        this.clock = clock;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    /** Where notification-service is, if configured. */
    public Optional<URI> baseUrl() {
        return baseUrl;
    }

    public List<ChannelRow> channels(String operator) {
        JsonNode list = call("GET", "/api/v1/channels", operator);
        List<ChannelRow> rows = new ArrayList<>();
        for (JsonNode c : list) {
            List<String> types = new ArrayList<>();
            c.path("eventTypes").forEach(t -> types.add(t.asText()));
            rows.add(new ChannelRow(c.path("id").asText(), c.path("provider").asText(), c.path("url").asText(),
                    types.isEmpty() ? "all" : String.join(", ", types), c.path("minSeverity").asText(), c.path("origin").asText()));
        }
        return rows;
    }

    /** Sends a test message through a channel now and answers the verdict. */
    public TestOutcome test(String channelId, String operator) {
        JsonNode r = call("POST", "/api/v1/channels/" + URLEncoder.encode(channelId, StandardCharsets.UTF_8) + "/test", operator);
        return new TestOutcome(r.path("channel").asText(channelId), r.path("outcome").asText(), r.path("delivered").asBoolean(),
                r.path("detail").asText(""));
    }

    public List<DeadLetterRow> deadLetters(int limit, String operator) {
        JsonNode list = call("GET", "/api/v1/dead-letters?limit=" + limit, operator);
        List<DeadLetterRow> rows = new ArrayList<>();
        for (JsonNode d : list) {
            rows.add(new DeadLetterRow(d.path("id").asText(), d.path("kind").asText(), d.path("reason").asText(),
                    d.path("channel").asText(""), d.path("attempts").asInt(), d.path("at").asText(), d.path("event").path("type").asText("")));
        }
        return rows;
    }

    private JsonNode call(String method, String path, String operator) {
        URI base = baseUrl.orElseThrow(() -> new NotificationUnavailable(
                "notification-service is not configured: set PORTHOLE_CONSOLE_NOTIFICATION_URL (for example http://notify:8082) and restart auth-service"));
        Instant now = clock.instant();
        String jwt = issuer.adminToken(adminKey.key().orElseThrow(), operator, now, now.plus(TOKEN_LIFETIME));
        HttpRequest request = HttpRequest.newBuilder(base.resolve(path)).timeout(timeout)
                .header("Authorization", "Bearer " + jwt).header("Accept", "application/json")
                .method(method, HttpRequest.BodyPublishers.noBody()).build();
        HttpResponse<InputStream> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException e) {
            Log.infof("notification-service at %s unreachable: %s", base, e.toString());
            throw new NotificationUnavailable("notification-service at " + base + " is unreachable (" + describe(e)
                    + "); check that it runs and PORTHOLE_CONSOLE_NOTIFICATION_URL");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new NotificationUnavailable("interrupted while waiting for notification-service");
        }
        JsonNode body = read(response, base);
        if (response.statusCode() >= 300) {
            String detail = body.path("detail").asText("");
            throw new NotificationUnavailable("notification-service answered " + response.statusCode()
                    + (detail.isEmpty() ? "" : ": " + detail)
                    + (response.statusCode() == 401 ? " (do both services have the same PORTHOLE_ADMIN_KEY?)" : ""));
        }
        return body;
    }

    private JsonNode read(HttpResponse<InputStream> response, URI base) {
        try (InputStream in = response.body()) {
            byte[] bytes = in.readNBytes(MAX_ANSWER_BYTES + 1);
            if (bytes.length > MAX_ANSWER_BYTES) {
                throw new NotificationUnavailable("notification-service's answer is larger than " + MAX_ANSWER_BYTES + " bytes");
            }
            return bytes.length == 0 ? mapper.createObjectNode() : mapper.readTree(bytes);
        } catch (IOException e) {
            throw new NotificationUnavailable("could not read notification-service's answer from " + base + ": " + describe(e));
        }
    }

    private static String describe(Exception e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}
