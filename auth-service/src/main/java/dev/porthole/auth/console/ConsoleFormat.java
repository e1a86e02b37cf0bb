package dev.porthole.auth.console;

import dev.porthole.auth.service.Page;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** How the console writes times, durations, sizes and page numbers (UTC, binary units). */
public final class ConsoleFormat {

    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);

    private ConsoleFormat() {}

    static String time(Instant instant) {
        return instant == null ? "" : TIME.format(instant);
    }

    static String duration(Duration duration) {
        if (duration.toMillis() > 0 && duration.toMillis() < 1000) {
            return duration.toMillis() + " ms";
        }
        long seconds = Math.max(0, duration.toSeconds());
        if (seconds < 60) {
            return seconds + " s";
        }
        if (seconds < 3600) {
            return (seconds / 60) + " min " + (seconds % 60) + " s";
        }
        return (seconds / 3600) + " h " + (seconds % 3600 / 60) + " min";
    }

    static String bytes(double bytes) {
        if (bytes < 1024) {
            return String.format(Locale.ROOT, "%.0f B", bytes);
        }
        if (bytes < 1024 * 1024) {
            return String.format(Locale.ROOT, "%.1f KiB", bytes / 1024);
        }
        if (bytes < 1024.0 * 1024 * 1024) {
            return String.format(Locale.ROOT, "%.1f MiB", bytes / (1024 * 1024));
        }
        return String.format(Locale.ROOT, "%.2f GiB", bytes / (1024.0 * 1024 * 1024));
    }

    /**
     * Links to the neighbouring pages of a list.
     *
     * @param page this page, from 0
     * @param size items per page
     * @param previous the previous page, or -1
     * @param next the next page, or -1
     * @param total how many items in all
     */
    public record Pager(int page, int size, int previous, int next, long total) {
        static Pager of(Page<?> list) {
            boolean more = (long) (list.page() + 1) * list.size() < list.total();
            return new Pager(
                    list.page(),
                    list.size(),
                    list.page() > 0 ? list.page() - 1 : -1,
                    more ? list.page() + 1 : -1,
                    list.total());
        }

        public boolean hasPrevious() {
            return previous >= 0;
        }

        public boolean hasNext() {
            return next >= 0;
        }
    }
}
