package dev.porthole.notification.delivery;

import dev.porthole.notification.config.NotificationConfig;
import dev.porthole.notification.provider.Verdict;
import java.time.Duration;
import java.util.function.DoubleSupplier;

/**
 * Delay before the next attempt: {@code initial * 2^(failures-1)} capped at {@code max}, plus up to
 * {@code jitter} of it at random; at least {@code rateLimited} after a "too fast" answer; never
 * less than the service's Retry-After (capped at an hour).
 *
 * @param initial delay after the first failure
 * @param max longest computed delay
 * @param jitter random part, 0 to 1
 * @param rateLimited shortest delay after a rate-limited answer
 */
record Backoff(Duration initial, Duration max, double jitter, Duration rateLimited) {

    private static final Duration LONGEST_RETRY_AFTER = Duration.ofHours(1);

    static Backoff from(NotificationConfig.Delivery config) {
        return new Backoff(config.initialBackoff(), config.maxBackoff(), config.jitter(), config.rateLimitedBackoff());
    }

    /**
     * @param failures attempts failed so far, at least 1
     * @param retry the last answer
     * @param random uniform values in [0, 1)
     */
    Duration delay(int failures, Verdict.Retry retry, DoubleSupplier random) {
        long initialNanos = Math.max(1, initial.toNanos());
        int shift = Math.min(failures - 1, 40);
        double base = Math.min((double) max.toNanos(), initialNanos * Math.pow(2, shift));
        double withJitter = Math.min((double) max.toNanos(), base * (1 + jitter * random.getAsDouble()));
        Duration delay = Duration.ofNanos((long) withJitter);
        if (retry.rateLimited() && delay.compareTo(rateLimited) < 0) {
            delay = rateLimited;
        }
        if (retry.retryAfter().isPresent()) {
            Duration asked = retry.retryAfter().get().compareTo(LONGEST_RETRY_AFTER) > 0
                    ? LONGEST_RETRY_AFTER
                    : retry.retryAfter().get();
            if (asked.compareTo(delay) > 0) {
                delay = asked;
            }
        }
        return delay;
    }
}
