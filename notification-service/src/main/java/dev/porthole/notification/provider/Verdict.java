package dev.porthole.notification.provider;

import java.time.Duration;
import java.util.Optional;

/** What a delivery attempt came to, as the chat service's documented answer says. */
public sealed interface Verdict {

    /** The service took the message. */
    record Delivered() implements Verdict {}

    /**
     * A passing failure (timeout, 5xx, rate limited): try again later.
     *
     * @param reason what happened, without URLs or secrets
     * @param rateLimited the service said the robot sends too fast
     * @param retryAfter how long the service asked us to wait, if it said
     */
    record Retry(String reason, boolean rateLimited, Optional<Duration> retryAfter) implements Verdict {}

    /**
     * The service refused the message for good (bad signature, unknown robot, invalid payload):
     * retrying would get the same answer.
     *
     * @param reason what the service said, without URLs or secrets
     */
    record Rejected(String reason) implements Verdict {}

    static Verdict delivered() {
        return new Delivered();
    }

    static Verdict retry(String reason) {
        return new Retry(reason, false, Optional.empty());
    }

    static Verdict rateLimited(String reason, Optional<Duration> retryAfter) {
        return new Retry(reason, true, retryAfter);
    }

    static Verdict rejected(String reason) {
        return new Rejected(reason);
    }

    /** Short name for logs, metrics and the test endpoint: delivered, retry or rejected. */
    default String outcome() {
        return switch (this) {
            case Delivered d -> "delivered";
            case Retry r -> "retry";
            case Rejected r -> "rejected";
        };
    }

    /** Reason, empty for delivered. */
    default String reason() {
        return switch (this) {
            case Delivered d -> "";
            case Retry r -> r.reason();
            case Rejected r -> r.reason();
        };
    }
}
