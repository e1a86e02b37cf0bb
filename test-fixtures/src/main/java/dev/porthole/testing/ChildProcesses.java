package dev.porthole.testing;

import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.awaitility.core.ConditionTimeoutException;
import org.awaitility.core.TerminalFailureException;

/** Starting and stopping the helper programs tests run (redis-server, pebble): ready when they answer, stopped for sure. */
final class ChildProcesses {

    /**
     * How often a starting program is asked whether it serves. Asking in a tight loop (each time a
     * new client, or a new redis-cli) took a core from the program it waited for on a two-core CI.
     */
    private static final Duration POLL_INTERVAL = Duration.ofMillis(20);

    private ChildProcesses() {}

    /**
     * Waits until {@code answers} says the program serves, failing at once (naming its log) if it
     * exits, or after {@code timeout}. Asks in the caller's thread, which may hold the program's lock.
     */
    static void awaitAnswer(
            Process process, String name, Path log, Duration timeout, String what, BooleanSupplier answers) {
        try {
            await().atMost(timeout)
                    .pollInSameThread()
                    .pollDelay(Duration.ZERO)
                    .pollInterval(POLL_INTERVAL)
                    .failFast(() -> !process.isAlive())
                    .until(answers::getAsBoolean);
        } catch (TerminalFailureException e) {
            throw new IllegalStateException(name + " exited with " + exitValue(process) + "; see " + log, e);
        } catch (ConditionTimeoutException e) {
            throw new IllegalStateException(
                    name + " did not answer " + what + " within " + timeout + "; see " + log, e);
        }
    }

    private static int exitValue(Process process) {
        try {
            return process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /** Asks the process to stop, kills it after 10 s, and waits for it to exit. */
    static void stop(Process process) {
        if (process != null) {
            stop(process, Duration.ofSeconds(10));
        }
    }

    /** SIGTERM, then SIGKILL if the process has not exited after {@code grace}; waits for it to exit. */
    static void stop(Process process, Duration grace) {
        process.destroy();
        try {
            if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
