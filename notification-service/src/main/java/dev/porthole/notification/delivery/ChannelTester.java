package dev.porthole.notification.delivery;

import dev.porthole.notification.channel.Channel;
import dev.porthole.notification.config.NotificationConfig;
import dev.porthole.notification.message.Message;
import dev.porthole.notification.metrics.NotificationMetrics;
import dev.porthole.notification.provider.NotificationProvider;
import dev.porthole.notification.provider.Providers;
import dev.porthole.notification.provider.Verdict;
import dev.porthole.notification.provider.WebhookClient;
import dev.porthole.protocol.event.Severity;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Sends one test message to a channel, once, within its rate limit, and reports the chat
 * service's verdict: what an operator needs to check a webhook URL and secret.
 */
@ApplicationScoped
public class ChannelTester {

    private final RateLimiter limiter;
    private final WebhookClient client;
    private final Providers providers;
    private final NotificationMetrics metrics;
    private final Clock clock;
    private final Duration timeout;

    public ChannelTester(
            RateLimiter limiter,
            WebhookClient client,
            Providers providers,
            NotificationMetrics metrics,
            Clock clock,
            NotificationConfig config) {
        this.limiter = limiter;
        this.client = client;
        this.providers = providers;
        this.metrics = metrics;
        this.clock = clock;
        this.timeout = config.notification().delivery().timeout().plusSeconds(2);
    }

    /** The outcome of a test: a verdict, or the wait until the rate limit allows one. */
    public sealed interface Outcome {
        /** The chat service answered (or the request failed). */
        record Sent(Verdict verdict) implements Outcome {}

        /** The channel's rate limit has no permit left. */
        record RateLimited(Duration retryIn) implements Outcome {}
    }

    public Outcome test(Channel channel) {
        RateLimiter.Permit permit = limiter.tryAcquire(channel);
        if (!permit.granted()) {
            return new Outcome.RateLimited(permit.retryIn());
        }
        Message message = new Message(
                Severity.INFO,
                "Porthole · test",
                "Test message from Porthole notification-service for channel " + channel.id() + ".",
                List.of(
                        new Message.Detail("channel", channel.id()),
                        new Message.Detail("at", clock.instant().toString())));
        NotificationProvider provider = providers.of(channel.provider());
        Verdict verdict;
        try {
            verdict = client.send(provider, provider.request(channel.webhook(), message))
                    .toCompletableFuture()
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            verdict = Verdict.retry("interrupted");
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            verdict = Verdict.retry("request failed (" + e.getClass().getSimpleName() + ")");
        }
        metrics.attempt(channel.provider(), verdict.outcome());
        Log.infof(
                "channel %s: test message %s%s",
                channel.id(), verdict.outcome(), verdict.reason().isEmpty() ? "" : " (" + verdict.reason() + ")");
        return new Outcome.Sent(verdict);
    }
}
