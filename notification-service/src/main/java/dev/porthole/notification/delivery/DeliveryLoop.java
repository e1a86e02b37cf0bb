package dev.porthole.notification.delivery;

import io.quarkus.logging.Log;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The one thread that owns all delivery state (lanes, flapping watches, held entries), so that
 * none of it needs locks. Webhook answers and timers come back to it as tasks. A task that fails
 * is logged and does not stop the loop.
 */
@ApplicationScoped
public class DeliveryLoop {

    private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(
            runnable -> Thread.ofPlatform().name("notify-delivery").daemon(true).unstarted(runnable));
    private volatile boolean stopping;

    public void execute(Runnable task) {
        try {
            executor.execute(guarded(task));
        } catch (RejectedExecutionException e) {
            // The service is stopping: what this task would have finished stays pending in Redis.
            Log.debug("delivery task dropped at shutdown");
        }
    }

    public ScheduledFuture<?> schedule(Runnable task, Duration delay) {
        return executor.schedule(guarded(task), Math.max(0, delay.toNanos()), TimeUnit.NANOSECONDS);
    }

    /** From now on no new webhook request starts; answers to those on the wire are still handled. */
    void beginStop() {
        stopping = true;
    }

    /** Whether the service is stopping. */
    boolean stopping() {
        return stopping;
    }

    /** Stops running tasks; called once the answers on the wire were handled. */
    void shutdown() {
        executor.shutdownNow();
    }

    /** Runs a task on the loop and returns its result to another thread. */
    public <T> CompletableFuture<T> call(Callable<T> task) {
        CompletableFuture<T> result = new CompletableFuture<>();
        executor.execute(() -> {
            try {
                result.complete(task.call());
            } catch (Exception | Error e) {
                result.completeExceptionally(e);
            }
        });
        return result;
    }

    private static Runnable guarded(Runnable task) {
        return () -> {
            try {
                task.run();
            } catch (RuntimeException e) {
                Log.errorf(e, "delivery task failed");
            }
        };
    }

    @PreDestroy
    void stop() {
        executor.shutdownNow();
    }
}
