package dev.porthole.auth.console;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.porthole.protocol.registry.SessionRecord;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

/**
 * Bytes and requests per second of each live session, from the counters gateways publish in the session
 * records. A gateway rewrites a record every few seconds, so the rate is taken between the last two
 * different counter values this instance has seen, each stamped with when it was first seen: the
 * average over the gateway's last refresh period. A session seen for the first time shows its
 * average since it connected, and one whose counters stay the same for {@link #IDLE_AFTER} shows 0,
 * so that a rate never waits for traffic to appear. At most {@link #MAX_TRACKED} sessions are
 * remembered (Caffeine's bound), and a session not seen for {@link #FORGET_AFTER} (it closed, or no
 * console page asks for it) is forgotten.
 */
@ApplicationScoped
public class TrafficRates {

    /** Most sessions whose last counters are remembered. */
    public static final int MAX_TRACKED = 10_000;

    /**
     * Counters unchanged for this long mean no traffic: well above the time between two rewrites of
     * a record (the gateways' registry refresh interval, 10 s by default).
     */
    public static final Duration IDLE_AFTER = Duration.ofSeconds(30);

    /** A session not seen for this long is forgotten: it closed, or nobody looks at it. */
    public static final Duration FORGET_AFTER = Duration.ofMinutes(10);

    /**
     * A session's rate.
     *
     * @param inPerSecond bytes per second from the agent
     * @param outPerSecond bytes per second to the agent
     * @param requestsPerSecond requests and connections per second carried to the agent
     * @param known false while there is nothing to compute it from (a first sight without a connection time)
     */
    public record Rate(double inPerSecond, double outPerSecond, double requestsPerSecond, boolean known) {
        static final Rate UNKNOWN = new Rate(0, 0, 0, false);
        static final Rate IDLE = new Rate(0, 0, 0, true);
    }

    private record Sample(long bytesIn, long bytesOut, long streams, Instant seenAt) {}

    private record Tracked(Sample latest, Rate rate) {}

    private final Clock clock;
    private final Cache<String, Tracked> tracked;

    public TrafficRates(Clock clock) {
        this.clock = clock;
        this.tracked = Caffeine.newBuilder()
                .maximumSize(MAX_TRACKED)
                .expireAfterAccess(FORGET_AFTER)
                .ticker(() -> TimeUnit.MILLISECONDS.toNanos(clock.millis()))
                .executor(Runnable::run)
                .build();
    }

    /** Records what {@code session} says now and answers its rate. */
    public synchronized Rate observe(SessionRecord session) {
        Instant now = clock.instant();
        Sample sample = new Sample(session.bytesIn(), session.bytesOut(), session.streams(), now);
        Tracked previous = tracked.getIfPresent(session.sessionId());
        if (previous == null) {
            Rate first = sinceConnected(session, now);
            tracked.put(session.sessionId(), new Tracked(sample, first));
            return first;
        }
        Sample last = previous.latest();
        if (last.bytesIn() == sample.bytesIn()
                && last.bytesOut() == sample.bytesOut()
                && last.streams() == sample.streams()) {
            if (Duration.between(last.seenAt(), now).compareTo(IDLE_AFTER) >= 0
                    && !previous.rate().equals(Rate.IDLE)) {
                tracked.put(session.sessionId(), new Tracked(last, Rate.IDLE));
                return Rate.IDLE;
            }
            return previous.rate();
        }
        double seconds = Math.max(0.001, Duration.between(last.seenAt(), now).toMillis() / 1000.0);
        Rate rate = new Rate(
                Math.max(0, sample.bytesIn() - last.bytesIn()) / seconds,
                Math.max(0, sample.bytesOut() - last.bytesOut()) / seconds,
                Math.max(0, sample.streams() - last.streams()) / seconds,
                true);
        tracked.put(session.sessionId(), new Tracked(sample, rate));
        return rate;
    }

    /** The average since the session connected: what a first sight can tell. */
    private static Rate sinceConnected(SessionRecord session, Instant now) {
        if (session.connectedAt() == null) {
            return Rate.UNKNOWN;
        }
        double seconds =
                Math.max(1, Duration.between(session.connectedAt(), now).toMillis() / 1000.0);
        return new Rate(session.bytesIn() / seconds, session.bytesOut() / seconds, session.streams() / seconds, true);
    }

    synchronized long size() {
        tracked.cleanUp();
        return tracked.estimatedSize();
    }
}
