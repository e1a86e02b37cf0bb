package dev.porthole.notification.delivery;

import dev.porthole.notification.message.MessageRenderer;
import dev.porthole.notification.metrics.NotificationMetrics;
import dev.porthole.notification.provider.Providers;
import dev.porthole.notification.provider.WebhookClient;
import java.time.Clock;
import java.util.function.DoubleSupplier;

/**
 * What every channel lane works with.
 *
 * @param limiter rate limits
 * @param client the HTTP client
 * @param providers the chat services
 * @param renderer message rendering
 * @param inFlight held entries, acknowledged when finished
 * @param outbox dead-letter writer
 * @param metrics metrics
 * @param loop the delivery loop
 * @param backoff retry delays
 * @param maxAttempts attempts per message
 * @param consumer this replica's consumer name, recorded in dead letters
 * @param clock wall clock
 * @param random uniform values in [0, 1) for jitter
 * @param sending requests on the wire right now, awaited at shutdown
 */
record LaneServices(
        RateLimiter limiter,
        WebhookClient client,
        Providers providers,
        MessageRenderer renderer,
        InFlightEntries inFlight,
        DeadLetterOutbox outbox,
        NotificationMetrics metrics,
        DeliveryLoop loop,
        Backoff backoff,
        int maxAttempts,
        String consumer,
        Clock clock,
        DoubleSupplier random,
        RequestsOnTheWire sending) {}
