package dev.porthole.agent.screen;

import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.jline.terminal.Size;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import org.jline.utils.AttributedString;
import org.jline.utils.Display;
import org.jline.utils.InfoCmp.Capability;

/**
 * Draws the live status screen on the terminal standard output is: the alternate screen (the
 * shell's lines come back when the agent ends), redrawn in place every {@link #REFRESH_MILLIS} ms
 * and at once when the window is resized (SIGWINCH). While it is up the log's console output is
 * off (it would scroll the screen away); {@link #close()} restores both.
 */
public final class TerminalScreen implements AutoCloseable {

    static final long REFRESH_MILLIS = 500;

    private final Terminal terminal;
    private final Display display;
    private final Supplier<ScreenModel> model;
    private final Map<Handler, Level> mutedHandlers = new HashMap<>();
    private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "porthole-screen");
        thread.setDaemon(true);
        return thread;
    });
    private Size drawnSize;
    private boolean closed;

    private TerminalScreen(Terminal terminal, Supplier<ScreenModel> model) {
        this.terminal = terminal;
        this.model = model;
        this.display = new Display(terminal, true);
    }

    /**
     * Opens the screen when the agent runs interactively (standard input and output a terminal)
     * on a terminal that can move its cursor; empty otherwise (piped, redirected, a dumb
     * terminal), and the caller prints log lines instead.
     */
    public static java.util.Optional<TerminalScreen> open(Supplier<ScreenModel> model) {
        java.io.Console console = System.console();
        if (console == null || !console.isTerminal()) {
            // Not interactive (output piped or redirected, no terminal on input): JLine is not even
            // loaded, so a scripted or service-run agent starts as it did before the screen.
            return java.util.Optional.empty();
        }
        Terminal terminal;
        try {
            terminal = TerminalBuilder.builder()
                    .system(true)
                    .systemOutput(TerminalBuilder.SystemOutput.SysOut)
                    .dumb(true)
                    .nativeSignals(true)
                    .build();
        } catch (IOException | RuntimeException e) {
            return java.util.Optional.empty();
        }
        if (terminal.getType().startsWith(Terminal.TYPE_DUMB)
                || terminal.getSize().getColumns() <= 0
                || terminal.getStringCapability(Capability.cursor_address) == null) {
            closeQuietly(terminal);
            return java.util.Optional.empty();
        }
        TerminalScreen screen = new TerminalScreen(terminal, model);
        screen.start();
        return java.util.Optional.of(screen);
    }

    private void start() {
        muteConsoleLog();
        terminal.puts(Capability.enter_ca_mode);
        terminal.puts(Capability.cursor_invisible);
        terminal.flush();
        terminal.handle(Terminal.Signal.WINCH, signal -> ticker.execute(this::redraw));
        ticker.scheduleWithFixedDelay(this::redraw, 0, REFRESH_MILLIS, TimeUnit.MILLISECONDS);
    }

    private synchronized void redraw() {
        if (closed) {
            return;
        }
        try {
            Size size = terminal.getSize();
            if (!size.equals(drawnSize)) {
                drawnSize = new Size(size.getColumns(), size.getRows());
                display.resize(size.getRows(), size.getColumns());
                display.clear();
                terminal.puts(Capability.clear_screen);
            }
            List<AttributedString> lines = StatusScreen.lines(model.get(), size.getColumns(), size.getRows()).stream()
                    .map(AttributedString::new)
                    .toList();
            display.update(lines, 0);
            terminal.flush();
        } catch (RuntimeException e) {
            // A failed redraw must not end the agent; the next tick tries again.
        }
    }

    /** Leaves the alternate screen and turns the log's console output back on; the shell's screen comes back. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        ticker.shutdownNow();
        terminal.puts(Capability.cursor_visible);
        terminal.puts(Capability.exit_ca_mode);
        terminal.flush();
        closeQuietly(terminal);
        mutedHandlers.forEach((handler, level) -> handler.setLevel(level == null ? Level.ALL : level));
    }

    /** The root logger's handlers write to the console (Quarkus's, on standard error): silenced while the screen is up. */
    private void muteConsoleLog() {
        for (Handler handler : Logger.getLogger("").getHandlers()) {
            mutedHandlers.put(handler, handler.getLevel());
            handler.setLevel(Level.OFF);
        }
    }

    private static void closeQuietly(Terminal terminal) {
        try {
            terminal.close();
        } catch (IOException e) {
            // Nothing left to restore.
        }
    }
}
