package dev.porthole.notification.delivery;

import dev.porthole.notification.channel.Channel;
import java.time.Duration;

/** Send permits per channel, within the limits of the channel's chat service. */
public interface RateLimiter {

    /** Takes one permit if there is one; otherwise says how long until the next. */
    Permit tryAcquire(Channel channel);

    /**
     * The answer of {@link #tryAcquire}.
     *
     * @param granted whether a permit was taken
     * @param retryIn when not granted, how long until one is available
     */
    record Permit(boolean granted, Duration retryIn) {

        static Permit given() {
            return new Permit(true, Duration.ZERO);
        }

        static Permit notBefore(Duration retryIn) {
            return new Permit(false, retryIn);
        }
    }
}
