package dev.porthole.gateway.policy;

import java.time.Duration;
import java.time.Instant;

/** The signed timestamps of Stripe and Slack: Unix seconds, checked against the gateway's clock. */
final class Timestamps {

    private Timestamps() {}

    /** The seconds in {@code text}, or null when it is no plain number of at most 12 digits. */
    static Long seconds(String text) {
        if (text == null
                || text.isEmpty()
                || text.length() > 12
                || !text.chars().allMatch(Character::isDigit)) {
            return null;
        }
        return Long.parseLong(text);
    }

    static boolean within(long seconds, Instant now, Duration tolerance) {
        return Math.abs(now.getEpochSecond() - seconds) <= tolerance.toSeconds();
    }
}
