package dev.porthole.gateway.limits;

import static org.assertj.core.api.Assertions.assertThat;

import dev.porthole.protocol.auth.Grants;
import dev.porthole.testing.ManualClock;
import io.github.bucket4j.TimeMeter;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.WriteStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** The token buckets on a hand-moved clock: when a writer pauses, for exactly how long, and what new settings change. */
class LimitPolicyTest {

    private static final long MS = 1_000_000;

    private final ManualClock clock = new ManualClock();
    private final List<Wakeup> wakeups = new ArrayList<>();
    private final List<String> hits = new ArrayList<>();
    private final List<String> published = new ArrayList<>();

    private record Wakeup(long nanos, Runnable task) {}

    private LimitPolicy policy(LimitSettings settings) {
        TimeMeter time = new TimeMeter() {
            @Override
            public long currentTimeNanos() {
                Instant now = clock.instant();
                return now.getEpochSecond() * 1_000_000_000L + now.getNano();
            }

            @Override
            public boolean isWallClockBased() {
                return false;
            }
        };
        return new LimitPolicy(
                settings,
                Optional.empty(),
                time,
                (nanos, task) -> wakeups.add(new Wakeup(nanos, task)),
                (client, tunnel, kind, detail, publish) -> {
                    hits.add(tunnel + ":" + kind.label());
                    if (publish) {
                        published.add(tunnel + ":" + kind.label());
                    }
                });
    }

    private static LimitSettings download(long gateway, long client) {
        return new LimitSettings(0, gateway, 0, client, 1000, 0, 1024);
    }

    /** Tunnel api's stream towards the visitor under a gateway download limit of 1000 B/s; its drains count up {@code drains[0]}. */
    private ThrottledWriteStream pacedDownload(Sink sink, int[] drains) {
        ThrottledWriteStream paced = policy(download(1000, 0))
                .openSession("c1", Grants.unrestricted())
                .tunnel("api")
                .towardsVisitor(sink);
        paced.drainHandler(ignored -> drains[0]++);
        return paced;
    }

    /** Runs the one pending wakeup after moving the clock by its delay; returns that delay. */
    private long wakeUp() {
        assertThat(wakeups).hasSize(1);
        Wakeup next = wakeups.removeFirst();
        clock.advance(Duration.ofNanos(next.nanos()));
        next.task().run();
        return next.nanos();
    }

    @Test
    void aWriterPausesWhenTheBucketIsInDebtAndResumesTheMomentItIsPaid() {
        Sink sink = new Sink();
        int[] drains = {0};
        ThrottledWriteStream paced = pacedDownload(sink, drains);

        paced.write(Buffer.buffer(new byte[100]));
        assertThat(paced.writeQueueFull())
                .as("the first 100 ms worth is a burst the bucket holds")
                .isFalse();
        assertThat(wakeups).isEmpty();

        paced.write(Buffer.buffer(new byte[400]));
        assertThat(sink.bytes)
                .as("bytes go through at once; only the next ones wait")
                .isEqualTo(500);
        assertThat(paced.writeQueueFull()).isTrue();
        assertThat(hits).containsExactly("api:download");

        assertThat(wakeUp()).isEqualTo(400 * MS);
        assertThat(paced.writeQueueFull()).isFalse();
        assertThat(drains[0]).isEqualTo(1);
        assertThat(wakeups).isEmpty();
    }

    @Test
    void aWakeupAfterTheEndLeavesTheEndedDestinationAlone() {
        Sink sink = new Sink();
        int[] drains = {0};
        ThrottledWriteStream paced = pacedDownload(sink, drains);
        paced.write(Buffer.buffer(new byte[500]));
        paced.end();
        sink.ended = true;

        wakeUp();
        assertThat(drains[0]).isZero();
    }

    @Test
    void tunnelsOfOneClientShareItsBucketSoAWaitGrowsWhenAnotherSpendsTheTokens() {
        LimitPolicy policy = policy(download(0, 1000));
        SessionLimits session = policy.openSession("c1", Grants.unrestricted());
        ThrottledWriteStream first = session.tunnel("a").towardsVisitor(new Sink());
        ThrottledWriteStream second =
                policy.openSession("c1", Grants.unrestricted()).tunnel("b").towardsVisitor(new Sink());
        assertThat(policy.clients()).isEqualTo(1);

        first.write(Buffer.buffer(new byte[300]));
        assertThat(first.writeQueueFull()).isTrue();
        Wakeup firstWait = wakeups.removeFirst();
        assertThat(firstWait.nanos()).isEqualTo(200 * MS);

        second.write(Buffer.buffer(new byte[100]));
        Wakeup secondWait = wakeups.removeFirst();
        assertThat(secondWait.nanos()).isEqualTo(300 * MS);

        clock.advance(Duration.ofMillis(200));
        firstWait.task().run();
        assertThat(first.writeQueueFull())
                .as("the other tunnel spent 100 ms worth meanwhile")
                .isTrue();
        assertThat(wakeUp()).isEqualTo(100 * MS);
        assertThat(first.writeQueueFull()).isFalse();
    }

    @Test
    void newSettingsChangeTheRateOfLiveTunnelsButAClientsGrantWins() {
        LimitPolicy policy = policy(download(0, 1000));
        Grants granted = new Grants(List.of("*"), true, List.of(), 0, List.of(), List.of(), 0, 0, 0, 4000);
        ThrottledWriteStream defaulted =
                policy.openSession("c1", Grants.unrestricted()).tunnel("a").towardsVisitor(new Sink());
        ThrottledWriteStream ownGrant =
                policy.openSession("c2", granted).tunnel("b").towardsVisitor(new Sink());

        policy.apply(download(0, 2000));
        assertThat(policy.current().clientDownloadBytesPerSecond()).isEqualTo(2000);

        defaulted.write(Buffer.buffer(new byte[600]));
        ownGrant.write(Buffer.buffer(new byte[2400]));
        // Each bucket held 100 ms worth (carried over in proportion): the debt is paid at the rate now in force.
        assertThat(wakeups.get(0).nanos()).isEqualTo(200 * MS);
        assertThat(wakeups.get(1).nanos()).isEqualTo(500 * MS);

        policy.apply(download(0, 0));
        wakeups.clear();
        defaulted.write(Buffer.buffer(new byte[100_000]));
        assertThat(wakeups).as("no limit any more").isEmpty();
    }

    @Test
    void theNewestSessionsGrantsSetTheClientsRate() {
        LimitPolicy policy = policy(download(0, 0));
        ThrottledWriteStream old =
                policy.openSession("c1", Grants.unrestricted()).tunnel("a").towardsVisitor(new Sink());
        old.write(Buffer.buffer(new byte[100_000]));
        assertThat(wakeups).as("no limit yet").isEmpty();

        Grants limited = new Grants(List.of("*"), true, List.of(), 0, List.of(), List.of(), 0, 0, 0, 1000);
        policy.openSession("c1", limited);
        old.write(Buffer.buffer(new byte[600]));
        assertThat(wakeups).as("the older session's tunnel shares the new rate").hasSize(1);
        assertThat(wakeups.getFirst().nanos()).isEqualTo(500 * MS);
    }

    @Test
    void aClientsBucketsGoWithItsLastSession() {
        LimitPolicy policy = policy(download(0, 1000));
        SessionLimits one = policy.openSession("c1", Grants.unrestricted());
        SessionLimits two = policy.openSession("c1", Grants.unrestricted());
        one.close();
        assertThat(policy.clients()).isEqualTo(1);
        two.close();
        assertThat(policy.clients()).isZero();
    }

    @Test
    void requestsBeyondTheRateAreToldWhenToRetry() {
        LimitPolicy policy = policy(new LimitSettings(0, 0, 0, 0, 1000, 2, 1024));
        TunnelLimits tunnel = policy.openSession("c1", Grants.unrestricted()).tunnel("api");
        assertThat(tunnel.admitRequest()).isEmpty();
        assertThat(tunnel.admitRequest()).isEmpty();
        assertThat(tunnel.admitRequest()).isEqualTo(OptionalLong.of(1));
        clock.advance(Duration.ofMillis(500));
        assertThat(tunnel.admitRequest()).isEmpty();
        assertThat(tunnel.admitRequest()).isPresent();
        assertThat(hits).containsExactly("api:requests-per-second", "api:requests-per-second");
        assertThat(published).as("one event per tunnel and kind a minute").containsExactly("api:requests-per-second");

        policy.apply(new LimitSettings(0, 0, 0, 0, 1000, 0, 1024));
        for (int i = 0; i < 100; i++) {
            assertThat(tunnel.admitRequest()).isEmpty();
        }
    }

    @Test
    void aTunnelHoldsAtMostItsStreamsAtOnce() {
        LimitPolicy policy = policy(new LimitSettings(0, 0, 0, 0, 2, 0, 1024));
        TunnelLimits tunnel = policy.openSession("c1", Grants.unrestricted()).tunnel("api");
        assertThat(tunnel.openStream()).isTrue();
        assertThat(tunnel.openStream()).isTrue();
        assertThat(tunnel.openStream()).isFalse();
        tunnel.closeStream();
        assertThat(tunnel.openStream()).isTrue();
        assertThat(tunnel.streams()).isEqualTo(2);
        assertThat(hits).containsExactly("api:streams");
    }

    /** A destination that takes everything at once and counts it. */
    private static final class Sink implements WriteStream<Buffer> {
        long bytes;
        boolean ended;

        @Override
        public Future<Void> write(Buffer data) {
            bytes += data.length();
            return Future.succeededFuture();
        }

        @Override
        public void write(Buffer data, Handler<AsyncResult<Void>> handler) {
            write(data).onComplete(handler);
        }

        @Override
        public Future<Void> end() {
            return Future.succeededFuture();
        }

        @Override
        public void end(Handler<AsyncResult<Void>> handler) {
            handler.handle(Future.succeededFuture());
        }

        @Override
        public WriteStream<Buffer> exceptionHandler(Handler<Throwable> handler) {
            return this;
        }

        @Override
        public WriteStream<Buffer> setWriteQueueMaxSize(int maxSize) {
            return this;
        }

        @Override
        public boolean writeQueueFull() {
            if (ended) {
                // As an ended Vert.x response does.
                throw new IllegalStateException("Response has already been written");
            }
            return false;
        }

        @Override
        public WriteStream<Buffer> drainHandler(Handler<Void> handler) {
            return this;
        }
    }
}
