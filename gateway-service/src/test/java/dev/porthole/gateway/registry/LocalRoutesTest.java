package dev.porthole.gateway.registry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.porthole.gateway.limits.TunnelLimits;
import dev.porthole.protocol.message.HttpRequestHead;
import dev.porthole.protocol.mux.MuxStream;
import dev.porthole.testing.ManualClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LocalRoutesTest {

    /** A session of client c, a lane of agent a's pool unless {@code poolLane} is null, on {@code thread}'s event loop. */
    private record Owner(String sessionId, PoolLane poolLane, Thread thread) implements TunnelOwner {
        @Override
        public String clientId() {
            return "c";
        }

        @Override
        public boolean onCallersEventLoop() {
            return Thread.currentThread() == thread;
        }

        @Override
        public MuxStream openStream(String tunnel, String source, HttpRequestHead request, boolean fin) {
            throw new UnsupportedOperationException();
        }

        @Override
        public TunnelLimits limits(String tunnel) {
            throw new UnsupportedOperationException();
        }
    }

    private static final TunnelOwner OWNER = new Owner("s", null, null);

    private final ManualClock clock = new ManualClock();
    private final LocalRoutes routes = new LocalRoutes(clock);

    @Test
    void aVanishedTunnelIsReportedOfflineUntilItIsForgottenOrServedAgain() {
        routes.markOffline("gone", "agent disconnected");
        assertThat(routes.offline("gone"))
                .hasValueSatisfying(o -> assertThat(o.reason()).isEqualTo("agent disconnected"));
        clock.advance(LocalRoutes.OFFLINE_MEMORY.plus(Duration.ofSeconds(1)));
        assertThat(routes.offline("gone")).isEmpty();

        routes.markOffline("back", "agent disconnected");
        routes.bindHttp("back", OWNER);
        assertThat(routes.offline("back")).isEmpty();
    }

    @Test
    void aPoolsLaneOnTheCallersEventLoopServesItsRequestsAndTheOthersTakeTurnsElsewhere() throws Exception {
        Thread elsewhere = new Thread(() -> {});
        Owner here = new Owner("lane-0", new PoolLane("a", 0), Thread.currentThread());
        Owner there = new Owner("lane-1", new PoolLane("a", 1), elsewhere);
        routes.bindHttp("app", here);
        routes.bindHttp("app", there);

        List<String> fromHere = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            fromHere.add(routes.http("app").orElseThrow().sessionId());
        }
        assertThat(fromHere).containsOnly("lane-0");

        // From a thread no lane runs on: each in turn.
        List<String> fromNeither = new ArrayList<>();
        Thread neither = new Thread(() -> {
            for (int i = 0; i < 4; i++) {
                fromNeither.add(routes.http("app").orElseThrow().sessionId());
            }
        });
        neither.start();
        neither.join();
        assertThat(fromNeither).containsExactlyInAnyOrder("lane-0", "lane-1", "lane-0", "lane-1");
        assertThat(fromNeither.get(0)).isNotEqualTo(fromNeither.get(1));
    }

    @Test
    void lanesThatShareTheCallersEventLoopTakeTurnsAndTheOtherWaits() {
        Thread elsewhere = new Thread(() -> {});
        routes.bindHttp("app", new Owner("lane-0", new PoolLane("a", 0), Thread.currentThread()));
        routes.bindHttp("app", new Owner("lane-1", new PoolLane("a", 1), elsewhere));
        routes.bindHttp("app", new Owner("lane-2", new PoolLane("a", 2), Thread.currentThread()));

        List<String> served = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            served.add(routes.http("app").orElseThrow().sessionId());
        }
        assertThat(served).containsOnly("lane-0", "lane-2");
        assertThat(served.stream().filter("lane-0"::equals)).hasSizeBetween(2, 4);
    }

    @Test
    void aServedNameIsNeverMarkedOffline() {
        routes.bindHttp("live", OWNER);
        routes.markOffline("live", "stale session ended");
        assertThat(routes.offline("live")).isEmpty();
    }

    @Test
    void rememberedOfflineNamesAreBounded() {
        for (int i = 0; i < LocalRoutes.OFFLINE_LIMIT + 500; i++) {
            routes.markOffline("name-" + i, "gone");
        }
        assertThat(routes.offlineCount()).isEqualTo(LocalRoutes.OFFLINE_LIMIT);
        assertThat(routes.offline("name-0")).as("the oldest is forgotten first").isEmpty();
        assertThat(routes.offline("name-" + (LocalRoutes.OFFLINE_LIMIT + 499))).isPresent();
    }

    @Test
    void aWaiterIsCompletedByTheBindingOfItsName() {
        List<TunnelOwner> served = new ArrayList<>();
        LocalRoutes.BindWaiter waiter = routes.whenBound("claimed", served::add).orElseThrow();
        routes.bindHttp("other", OWNER);
        assertThat(served).as("not completed before its name is bound").isEmpty();
        assertThat(routes.bindWaiters()).isEqualTo(1);

        routes.bindHttp("claimed", OWNER);
        assertThat(served).containsExactly(OWNER);
        assertThat(routes.bindWaiters()).isZero();
        assertThat(waiter.cancel())
                .as("a deadline after the binding does not answer the request again")
                .isFalse();
        routes.bindHttp("claimed", OWNER);
        assertThat(served).as("completed once").containsExactly(OWNER);
    }

    @Test
    void aWaiterForANameServedAlreadyIsCompletedAtOnce() {
        routes.bindHttp("live", OWNER);
        List<TunnelOwner> served = new ArrayList<>();
        routes.whenBound("live", served::add);
        assertThat(served).containsExactly(OWNER);
        assertThat(routes.bindWaiters()).isZero();
    }

    @Test
    void aWaiterWhoseDeadlinePassedIsForgottenAndNeverCompleted() {
        List<TunnelOwner> served = new ArrayList<>();
        LocalRoutes.BindWaiter waiter = routes.whenBound("late", served::add).orElseThrow();
        assertThat(waiter.cancel()).as("the caller answers").isTrue();
        assertThat(routes.bindWaiters()).isZero();
        routes.bindHttp("late", OWNER);
        assertThat(served).isEmpty();
    }

    @Test
    void waitersAreBounded() {
        LocalRoutes small = new LocalRoutes(clock, 2);
        List<TunnelOwner> served = new ArrayList<>();
        LocalRoutes.BindWaiter first = small.whenBound("a", served::add).orElseThrow();
        small.whenBound("b", served::add).orElseThrow();
        assertThat(small.whenBound("c", served::add))
                .as("the third request does not wait")
                .isEmpty();
        first.cancel();
        assertThat(small.whenBound("c", served::add))
                .as("a place freed by a deadline is taken again")
                .isPresent();
        small.bindHttp("c", OWNER);
        small.bindHttp("b", OWNER);
        assertThat(served).containsExactly(OWNER, OWNER);
        assertThat(small.bindWaiters()).isZero();
    }
}
