package dev.porthole.gateway.limits;

/**
 * A token bucket the limits draw from: this gateway's own ({@link Rate}) or a client's, shared with
 * the other gateways through Redis ({@link SharedRate}). At rate 0 it limits nothing.
 */
interface TokenBucket {

    /** The rate in force, tokens per second (0: no limit). */
    long perSecond();

    /** Changes the rate; cheap when it stays. */
    void set(long perSecond);

    /** Takes tokens even into debt (bytes already read are never dropped); nanoseconds until the debt is paid. */
    long take(long tokens);

    /** Takes one token if there is one (0); otherwise takes nothing and returns the nanoseconds until there is one. */
    long tryTake();

    /** Nanoseconds until the bucket is out of debt; 0 when it is now. */
    long waitNanos();
}
