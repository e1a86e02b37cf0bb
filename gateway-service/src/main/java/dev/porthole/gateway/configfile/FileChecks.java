package dev.porthole.gateway.configfile;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The mistakes found in one gateway file, each with its line and key path, and the typed reads of
 * its YAML nodes that note them ({@link GatewayFileParser} checks the keys).
 */
final class FileChecks {

    private static final Pattern SIZE = Pattern.compile("(\\d{1,15})\\s*([KMGT]?)(I?B)?", Pattern.CASE_INSENSITIVE);

    private final String source;
    private final Map<String, Integer> lines;
    private final List<String> problems = new ArrayList<>();

    /**
     * @param source the file name used in messages
     * @param lines the line of every key and list item, by path
     */
    FileChecks(String source, Map<String, Integer> lines) {
        this.source = source;
        this.lines = lines;
    }

    /** Every mistake so far, one line each. */
    List<String> problems() {
        return problems;
    }

    long optionalSize(JsonNode node, String path, long otherwise) {
        if (node == null) {
            return otherwise;
        }
        Long size = size(node);
        if (size == null) {
            problem(path, quote(node.asText()) + " is not a size like 10MiB");
            return otherwise;
        }
        return size;
    }

    /** A size: a number of bytes, or {@code 10K}, {@code 10KB}, {@code 10KiB}, ... (all multiples of 1024), or null. */
    static Long size(JsonNode node) {
        if (node.isIntegralNumber() && node.canConvertToLong() && node.asLong() >= 0) {
            return node.asLong();
        }
        if (!node.isTextual()) {
            return null;
        }
        Matcher matcher = SIZE.matcher(node.asText().trim());
        if (!matcher.matches()) {
            return null;
        }
        int shift = switch (matcher.group(2).toUpperCase(Locale.ROOT)) {
            case "K" -> 10;
            case "M" -> 20;
            case "G" -> 30;
            case "T" -> 40;
            default -> 0;
        };
        if (shift == 0 && matcher.group(3) != null && matcher.group(3).length() > 1) {
            return null;
        }
        long value = Long.parseLong(matcher.group(1));
        return value > (Long.MAX_VALUE >> shift) ? null : value << shift;
    }

    Integer integer(JsonNode node, String path, int min, int max) {
        if (!node.isIntegralNumber() || !node.canConvertToInt() || node.asInt() < min || node.asInt() > max) {
            problem(path, quote(node.asText()) + " is not a whole number from " + min + " to " + max);
            return null;
        }
        return node.asInt();
    }

    String text(JsonNode node, String path) {
        if (node == null
                || !node.isValueNode()
                || node.isNull()
                || node.asText().isBlank()) {
            problem(path, "must be a text, not " + describe(node));
            return null;
        }
        return node.asText();
    }

    boolean required(JsonNode parent, String path, String key) {
        if (!parent.has(key)) {
            problem(path, "'" + key + "' is missing");
            return false;
        }
        return true;
    }

    boolean mapping(JsonNode node, String path) {
        if (!node.isObject()) {
            problem(path, "must be a mapping of keys, not " + describe(node));
            return false;
        }
        return true;
    }

    boolean sequence(JsonNode node, String path) {
        if (!node.isArray()) {
            problem(path, "must be a list, not " + describe(node));
            return false;
        }
        return true;
    }

    void knownKeys(JsonNode node, String path, Set<String> known) {
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            String key = path.isEmpty() ? name : path + "." + name;
            if (path.isEmpty() && name.equals("notification")) {
                problem(
                        key,
                        "unknown key: notification-service reads its own settings (PORTHOLE_NOTIFY_*, see docs/notification-service.md);"
                                + " the gateway only publishes events");
            } else if (!known.contains(name)) {
                problem(
                        key,
                        "unknown key; known here: "
                                + String.join(", ", known.stream().sorted().toList()));
            }
        }
    }

    void problem(String path, String message) {
        Integer line = lines.getOrDefault(path, lines.getOrDefault("", 1));
        problems.add(source + " line " + line + ": " + (path.isEmpty() ? "" : path + ": ") + message);
    }

    static String describe(JsonNode node) {
        if (node == null || node.isNull()) {
            return "nothing";
        }
        if (node.isObject()) {
            return "a mapping";
        }
        if (node.isArray()) {
            return "a list";
        }
        return quote(node.asText());
    }

    static String quote(String text) {
        return "\"" + text + "\"";
    }
}
