package dev.porthole.agent.screen;

import java.time.Duration;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Turns a {@link ScreenModel} into the lines of the live status screen for a terminal of a given
 * size: nothing longer than the width (a long value is cut and ends with {@code ...}), nothing
 * below the height (the request list shows as many as fit). Pure, so the layout is unit-tested.
 */
public final class StatusScreen {

    /** The widest label; values start after it. */
    private static final int LABEL = 18;

    private static final int COLUMN = 8;
    private static final String CUT = "...";
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss");

    private StatusScreen() {}

    public static List<String> lines(ScreenModel model, int width, int height) {
        List<String> lines = new ArrayList<>();
        String title = "Porthole " + model.version();
        String quit = "(Ctrl+C to quit)";
        lines.add(
                width >= title.length() + quit.length() + 2
                        ? title + " ".repeat(width - title.length() - quit.length()) + quit
                        : title);
        lines.add("");
        lines.add(labelled("Session Status", model.state()));
        if (model.message() != null) {
            lines.add(labelled("Last Error", model.message()));
        }
        lines.add(labelled("Client", model.client()));
        lines.add(labelled("Gateway", model.gateway()));
        lines.add(labelled("Latency", model.latency() == null ? "-" : millis(model.latency())));
        lines.add(labelled("Inspector", model.inspector()));
        for (ScreenModel.Forwarding forwarding : model.forwarding()) {
            lines.add(labelled("Forwarding", forwarding.from() + " -> " + forwarding.to()));
        }
        lines.add("");
        ScreenModel.Connections connections = model.connections();
        lines.add(labelled("Connections", columns("ttl", "opn", "rt1", "rt5", "p50", "p90")));
        lines.add(labelled(
                "",
                columns(
                        String.valueOf(connections.total()),
                        String.valueOf(connections.open()),
                        rate(connections.rate1()),
                        rate(connections.rate5()),
                        duration(connections.p50()),
                        duration(connections.p90()))));
        lines.add("");
        lines.add("HTTP Requests");
        lines.add("-".repeat(Math.max(1, width)));
        int room = height - lines.size();
        for (int i = 0; i < model.requests().size() && i < room; i++) {
            lines.add(request(model.requests().get(i), width));
        }
        List<String> fitted = new ArrayList<>();
        for (int i = 0; i < lines.size() && i < Math.max(1, height); i++) {
            fitted.add(cut(lines.get(i), width));
        }
        return fitted;
    }

    private static String labelled(String label, String value) {
        return label + " ".repeat(Math.max(1, LABEL - label.length())) + value;
    }

    private static String columns(String... values) {
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < values.length; i++) {
            line.append(
                    i == values.length - 1
                            ? values[i]
                            : values[i] + " ".repeat(Math.max(1, COLUMN - values[i].length())));
        }
        return line.toString();
    }

    /** {@code 12:00:01  GET     /path...  200  3 ms}: the path takes what the width leaves. */
    private static String request(ScreenModel.Request request, int width) {
        String head = request.at().format(TIME) + "  " + request.method()
                + " ".repeat(Math.max(1, COLUMN - request.method().length()));
        String tail = "  " + request.status() + "  " + millis(request.duration());
        int room = width - head.length() - tail.length();
        String uri = request.uri();
        if (room < CUT.length() + 1) {
            return head + uri;
        }
        uri = uri.length() > room ? uri.substring(0, room - CUT.length()) + CUT : uri + " ".repeat(room - uri.length());
        return head + uri + tail;
    }

    static String cut(String line, int width) {
        if (line.length() <= width) {
            return line;
        }
        return width <= CUT.length()
                ? line.substring(0, Math.max(0, width))
                : line.substring(0, width - CUT.length()) + CUT;
    }

    private static String rate(double perSecond) {
        return String.format(Locale.ROOT, "%.2f", perSecond);
    }

    private static String duration(Duration duration) {
        return duration == null ? "-" : millis(duration);
    }

    private static String millis(Duration duration) {
        long ms = duration.toMillis();
        return ms < 10_000 ? ms + " ms" : String.format(Locale.ROOT, "%.1f s", duration.toMillis() / 1000.0);
    }
}
