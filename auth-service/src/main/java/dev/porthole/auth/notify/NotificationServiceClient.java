package dev.porthole.auth.notify;

import dev.porthole.auth.config.ConsoleConfig;
import dev.porthole.auth.jwt.AdminJwtVerifier;
import dev.porthole.auth.jwt.JwtIssuer;
import dev.porthole.protocol.problem.Problem;
import io.quarkus.logging.Log;
import io.quarkus.rest.client.reactive.QuarkusRestClientBuilder;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.ProcessingException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;

/**
 * notification-service's admin API as the console uses it: channels, a channel's test message and
 * dead letters, through the typed REST client {@link NotificationServiceApi}. Each call carries an
 * admin JWT minted for the operator, signed with the key both services derive from
 * {@code PORTHOLE_ADMIN_KEY}, valid for one minute. The answers are as large as notification-service
 * lets them be (its channel count, and at most {@code limit} dead letters); anything that goes wrong
 * becomes a {@link NotificationUnavailable} whose message says what to check.
 */
@ApplicationScoped
public class NotificationServiceClient {

    private static final Duration TOKEN_LIFETIME = Duration.ofMinutes(1);

    /** One channel (its URL already masked by notification-service). */
    public record ChannelRow(
            String id, String provider, String url, String eventTypes, String minSeverity, String origin) {}

    /** What a test message gave. */
    public record TestOutcome(String channel, String outcome, boolean delivered, String detail) {}

    /** One dead letter. */
    public record DeadLetterRow(
            String id, String kind, String reason, String channel, int attempts, String at, String eventType) {}

    private final Optional<URI> baseUrl;
    private final Optional<NotificationServiceApi> api;
    private final AdminJwtVerifier adminKey;
    private final JwtIssuer issuer;
    private final Clock clock;

    public NotificationServiceClient(ConsoleConfig config, AdminJwtVerifier adminKey, JwtIssuer issuer, Clock clock) {
        this.baseUrl = config.notificationUrl();
        long timeoutMillis = config.notificationTimeout().toMillis();
        this.api = baseUrl.map(base -> QuarkusRestClientBuilder.newBuilder()
                .baseUri(base)
                .connectTimeout(timeoutMillis, TimeUnit.MILLISECONDS)
                .readTimeout(timeoutMillis, TimeUnit.MILLISECONDS)
                .followRedirects(false)
                .build(NotificationServiceApi.class));
        this.adminKey = adminKey;
        this.issuer = issuer;
        this.clock = clock;
    }

    /** Where notification-service is, if configured. */
    public Optional<URI> baseUrl() {
        return baseUrl;
    }

    public List<ChannelRow> channels(String operator) {
        return call(operator, (api, bearer) -> api.channels(bearer)).stream()
                .map(c -> new ChannelRow(
                        c.id(),
                        c.provider(),
                        c.url(),
                        c.eventTypes() == null || c.eventTypes().isEmpty() ? "all" : String.join(", ", c.eventTypes()),
                        c.minSeverity(),
                        c.origin()))
                .toList();
    }

    /** Sends a test message through a channel now and answers the verdict. */
    public TestOutcome test(String channelId, String operator) {
        NotificationServiceApi.TestResult r = call(operator, (api, bearer) -> api.test(bearer, channelId));
        return new TestOutcome(
                r.channel() == null ? channelId : r.channel(),
                r.outcome(),
                r.delivered(),
                r.detail() == null ? "" : r.detail());
    }

    public List<DeadLetterRow> deadLetters(int limit, String operator) {
        return call(operator, (api, bearer) -> api.deadLetters(bearer, limit)).stream()
                .map(d -> new DeadLetterRow(
                        d.id(),
                        d.kind(),
                        d.reason(),
                        d.channel() == null ? "" : d.channel(),
                        d.attempts(),
                        d.at(),
                        d.event() == null || d.event().type() == null
                                ? ""
                                : d.event().type()))
                .toList();
    }

    private <T> T call(String operator, BiFunction<NotificationServiceApi, String, T> request) {
        URI base = baseUrl.orElseThrow(
                () -> new NotificationUnavailable(
                        "notification-service is not configured: set PORTHOLE_CONSOLE_NOTIFICATION_URL (for example http://notify:8082) and restart auth-service"));
        Instant now = clock.instant();
        String jwt = issuer.adminToken(adminKey.key().orElseThrow(), operator, now, now.plus(TOKEN_LIFETIME));
        try {
            return request.apply(api.orElseThrow(), "Bearer " + jwt);
        } catch (WebApplicationException e) {
            int status = e.getResponse().getStatus();
            String detail = problemDetail(e.getResponse());
            throw new NotificationUnavailable("notification-service answered " + status
                    + (detail.isEmpty() ? "" : ": " + detail)
                    + (status == 401 ? " (do both services have the same PORTHOLE_ADMIN_KEY?)" : ""));
        } catch (ProcessingException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            Log.infof("notification-service at %s unreachable: %s", base, cause.toString());
            throw new NotificationUnavailable("notification-service at " + base + " is unreachable (" + describe(cause)
                    + "); check that it runs and PORTHOLE_CONSOLE_NOTIFICATION_URL");
        }
    }

    /** The {@code detail} of a problem answer, or nothing when the answer is not one. */
    private static String problemDetail(Response response) {
        try {
            Problem problem = response.readEntity(Problem.class);
            return problem == null || problem.detail() == null ? "" : problem.detail();
        } catch (RuntimeException notAProblem) {
            return "";
        }
    }

    private static String describe(Throwable e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}
