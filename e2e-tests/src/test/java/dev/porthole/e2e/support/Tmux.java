package dev.porthole.e2e.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real terminal for a program: a detached tmux session of a fixed size on a tmux server of its
 * own (its own socket, no user configuration), whose screen is read with {@code capture-pane}.
 * Needs Debian's {@code tmux}.
 */
public final class Tmux implements AutoCloseable {

    private final String socket = "porthole-e2e-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
    private final Path logDir;
    private final String name;

    private Tmux(String name, Path logDir) {
        this.name = name;
        this.logDir = logDir;
    }

    /** Runs {@code command} in a new terminal of {@code columns} x {@code rows}; the pane stays after the program ends, to be read. */
    public static Tmux start(String name, int columns, int rows, List<String> command, Path logDir) {
        Tmux tmux = new Tmux(name, logDir);
        List<String> args = new ArrayList<>(List.of(
                "new-session", "-d", "-s", name, "-x", String.valueOf(columns), "-y", String.valueOf(rows), "--"));
        args.addAll(command);
        tmux.run(args);
        tmux.run(List.of("set-option", "-t", name, "remain-on-exit", "on"));
        return tmux;
    }

    /** The screen now, one string per row, trailing spaces removed; also written to {@code <name>.screen} in the log folder. */
    public List<String> screen() {
        String text = run(List.of("capture-pane", "-p", "-t", name));
        try {
            Files.createDirectories(logDir);
            Files.writeString(logDir.resolve(name + ".screen"), text);
        } catch (IOException e) {
            // The log copy is for people; the test has the text.
        }
        return text.lines().map(String::stripTrailing).toList();
    }

    /** Resizes the terminal, as a person dragging the window's corner does (the program gets SIGWINCH). */
    public void resize(int columns, int rows) {
        run(List.of("resize-window", "-t", name, "-x", String.valueOf(columns), "-y", String.valueOf(rows)));
    }

    /** Types {@code keys} (tmux key names, e.g. {@code C-c}). */
    public void sendKeys(String keys) {
        run(List.of("send-keys", "-t", name, keys));
    }

    @Override
    public void close() {
        try {
            run(List.of("kill-server"));
        } catch (IllegalStateException e) {
            // Already gone.
        }
    }

    private String run(List<String> args) {
        List<String> command = new ArrayList<>(List.of("tmux", "-L", socket, "-f", "/dev/null"));
        command.addAll(args);
        try {
            Process process =
                    new ProcessBuilder(command).redirectErrorStream(true).start();
            byte[] output = process.getInputStream().readAllBytes();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + " did not end in 10 s");
            }
            String text = new String(output, StandardCharsets.UTF_8);
            if (process.exitValue() != 0) {
                throw new IllegalStateException(
                        String.join(" ", command) + " failed (" + process.exitValue() + "): " + text.strip());
            }
            return text;
        } catch (IOException e) {
            throw new IllegalStateException("cannot run tmux (Debian package tmux): " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + String.join(" ", command), e);
        }
    }
}
