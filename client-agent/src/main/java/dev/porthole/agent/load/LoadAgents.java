package dev.porthole.agent.load;

import dev.porthole.agent.tunnel.AgentSettings;
import dev.porthole.agent.tunnel.Backoff;
import dev.porthole.agent.tunnel.TunnelClient;
import dev.porthole.agent.tunnel.TunnelListener;
import dev.porthole.agent.tunnel.TunnelSpec;
import dev.porthole.agent.upstream.UpstreamAddress;
import dev.porthole.protocol.message.Notice;
import dev.porthole.protocol.message.ResetCode;
import dev.porthole.protocol.message.TunnelKind;
import dev.porthole.protocol.message.TunnelResult;
import io.vertx.core.Vertx;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

/**
 * Many agents in one process, for the scale benchmarks in {@code bench/} (not a user command):
 * each is a real {@link TunnelClient} with its own WebSocket and HTTP tunnels that nobody visits.
 *
 * <pre>
 * java -cp 'quarkus-app/app/*:quarkus-app/lib/main/*:quarkus-app/lib/boot/*' dev.porthole.agent.load.LoadAgents idle  URL TOKEN COUNT [IN_FLIGHT [TUNNELS]]
 * java -cp ... dev.porthole.agent.load.LoadAgents churn URL TOKEN PER_MINUTE MINUTES
 * </pre>
 *
 * {@code idle} connects COUNT agents with TUNNELS HTTP tunnels each (default 1), at most IN_FLIGHT
 * (default 200) handshakes at a time, prints {@code connected N in T ms} and then keeps them open
 * until the process is stopped. {@code churn}
 * connects and stops PER_MINUTE agents a minute for MINUTES, printing a line each minute.
 */
public final class LoadAgents {

    private static final Duration CONNECT_LIMIT = Duration.ofMinutes(5);

    private final Vertx vertx;
    private final URI server;
    private final String authorization;
    private final AtomicInteger refusals = new AtomicInteger();

    private LoadAgents(Vertx vertx, URI server, String token) {
        this.vertx = vertx;
        this.server = server;
        this.authorization = "Bearer " + token;
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 4
                || !(args[0].equals("idle") || args[0].equals("churn"))
                || (args[0].equals("churn") && args.length < 5)) {
            System.err.println(
                    "usage: LoadAgents idle URL TOKEN COUNT [IN_FLIGHT [TUNNELS]] | LoadAgents churn URL TOKEN PER_MINUTE MINUTES");
            System.exit(2);
        }
        Vertx vertx = Vertx.vertx();
        LoadAgents load = new LoadAgents(vertx, URI.create(args[1]), args[2]);
        if (args[0].equals("idle")) {
            load.idle(
                    Integer.parseInt(args[3]),
                    args.length > 4 ? Integer.parseInt(args[4]) : 200,
                    args.length > 5 ? Integer.parseInt(args[5]) : 1);
        } else {
            load.churn(Integer.parseInt(args[3]), Integer.parseInt(args[4]));
            vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
    }

    /** Connects {@code count} agents of {@code tunnels} tunnels each and holds them until the process is stopped. */
    private void idle(int count, int inFlight, int tunnels) throws InterruptedException {
        Semaphore handshakes = new Semaphore(inFlight);
        AtomicInteger connected = new AtomicInteger();
        long start = System.nanoTime();
        List<TunnelClient> clients = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            handshakes.acquire();
            CompletableFuture<Void> welcomed = new CompletableFuture<>();
            welcomed.whenComplete((ok, failed) -> handshakes.release());
            welcomed.thenRun(connected::incrementAndGet);
            clients.add(start("idle-" + i, tunnels, welcomed));
        }
        if (!handshakes.tryAcquire(inFlight, CONNECT_LIMIT.toMillis(), TimeUnit.MILLISECONDS)) {
            System.err.printf(
                    "only %d of %d connected within %d s%n", connected.get(), count, CONNECT_LIMIT.toSeconds());
        }
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        System.out.printf("connected %d in %d ms (%d refusals retried)%n", connected.get(), millis, refusals.get());
        System.out.flush();
        Thread.currentThread().join(); // held open until the bench script stops this process
    }

    /** Starts and stops {@code perMinute} agents a minute, one at a time, for {@code minutes}. */
    private void churn(int perMinute, int minutes) throws Exception {
        long gapNanos = TimeUnit.MINUTES.toNanos(1) / perMinute;
        long start = System.nanoTime();
        int cycles = 0;
        for (int minute = 1; minute <= minutes; minute++) {
            for (int i = 0; i < perMinute; i++) {
                CompletableFuture<Void> welcomed = new CompletableFuture<>();
                TunnelClient client = start("churn-" + (cycles % 1000), 1, welcomed);
                try {
                    welcomed.get(CONNECT_LIMIT.toMillis(), TimeUnit.MILLISECONDS);
                } catch (Exception e) {
                    System.err.println(
                            "a churn agent did not connect within " + CONNECT_LIMIT.toSeconds() + " s: " + e);
                }
                client.stop();
                cycles++;
                long due = start + cycles * gapNanos;
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait); // paces the cycles; nothing waits on this for correctness
                }
            }
            System.out.printf("minute %d: %d cycles, %d refusals retried%n", minute, cycles, refusals.get());
            System.out.flush();
        }
    }

    /** An agent named {@code name}; its tunnels are {@code name}, or {@code name-0}, {@code name-1}... for several. */
    private TunnelClient start(String name, int tunnels, CompletableFuture<Void> welcomed) {
        UpstreamAddress nobody = new UpstreamAddress("127.0.0.1", 9);
        List<TunnelSpec> specs = tunnels == 1
                ? List.of(new TunnelSpec(TunnelKind.HTTP, name, 0, false, nobody))
                : IntStream.range(0, tunnels)
                        .mapToObj(t -> new TunnelSpec(TunnelKind.HTTP, name + "-" + t, 0, false, nobody))
                        .toList();
        AgentSettings settings = AgentSettings.of(server, "load-" + name, draft -> {
            draft.authorization = authorization;
            draft.tunnels = specs;
            draft.maxUpstreamConnections = 1;
        });
        TunnelClient client = new TunnelClient(
                vertx,
                settings,
                (stream, open, tunnel) -> stream.reset(ResetCode.NO_SUCH_TUNNEL, "load agent"),
                new TunnelListener() {
                    @Override
                    public void connected(List<TunnelResult> results, boolean first) {
                        if (results.stream().allMatch(TunnelResult::granted)) {
                            welcomed.complete(null);
                        } else {
                            refusals.incrementAndGet(); // the client asks again after its back-off
                            System.err.println(name + ": refused " + results);
                        }
                    }

                    @Override
                    public void notice(Notice notice) {}

                    @Override
                    public void retrying(String reason, Duration retryIn) {
                        if (!welcomed.isDone()) {
                            System.err.println(name + ": " + reason);
                        }
                    }
                },
                Backoff.halfSecondTo30Seconds(),
                "load");
        client.start();
        return client;
    }
}
