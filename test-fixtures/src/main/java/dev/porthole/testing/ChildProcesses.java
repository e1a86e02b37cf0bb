package dev.porthole.testing;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/** Starting and stopping the helper programs tests run (redis-server, pebble): ready when they answer, stopped for sure. */
final class ChildProcesses {

    private ChildProcesses() {}

    /**
     * Waits until {@code answers} says the program serves, failing at once (naming its log) if it
     * exits, or after {@code timeout}.
     */
    static void awaitAnswer(
            Process process, String name, Path log, Duration timeout, String what, BooleanSupplier answers) {
        Instant deadline = Instant.now().plus(timeout);
        while (!answers.getAsBoolean()) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with " + process.exitValue() + "; see " + log);
            }
            if (Instant.now().isAfter(deadline)) {
                throw new IllegalStateException(name + " did not answer " + what + " within " + timeout);
            }
            Thread.onSpinWait();
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
