package dev.porthole.gateway.limits;

import java.util.List;

/** The token buckets one direction of a tunnel's bytes passes through: this gateway's and the client's. */
final class Throttle {

    private final List<TokenBucket> rates;

    Throttle(List<TokenBucket> rates) {
        this.rates = List.copyOf(rates);
    }

    /** Accounts for bytes that passed; nanoseconds the sender must wait before it sends more. */
    long take(long bytes) {
        long wait = 0;
        for (TokenBucket rate : rates) {
            wait = Math.max(wait, rate.take(bytes));
        }
        return wait;
    }

    /** Nanoseconds until every bucket is out of debt. */
    long waitNanos() {
        long wait = 0;
        for (TokenBucket rate : rates) {
            wait = Math.max(wait, rate.waitNanos());
        }
        return wait;
    }
}
