package dev.porthole.notification.message;

import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * A message's text as our own words (and an operator's template) with values from events between
 * them. Event values are whatever an agent, a visitor or a claimed id made them, so a provider
 * renders them through its escaping and the words as they are.
 *
 * @param parts words and values, in order
 */
public record MessageText(List<Part> parts) {

    public MessageText {
        parts = List.copyOf(parts);
    }

    /** One piece of the text. */
    public sealed interface Part {
        String text();
    }

    /** Our own words or an operator's template: markup stays markup. */
    public record Words(String text) implements Part {}

    /** A value from an event: always shown as text. */
    public record Value(String text) implements Part {}

    /** Text without values. */
    public static MessageText words(String text) {
        return new MessageText(List.of(new Words(text)));
    }

    /** {@code pattern} with each {@code %s} replaced by the next value, for example {@code fill("Client %s created.", id)}. */
    public static MessageText fill(String pattern, String... values) {
        List<Part> parts = new ArrayList<>();
        int from = 0;
        for (String value : values) {
            int at = pattern.indexOf("%s", from);
            if (at < 0) {
                throw new IllegalArgumentException("more values than %s in: " + pattern);
            }
            parts.add(new Words(pattern.substring(from, at)));
            parts.add(new Value(value));
            from = at + 2;
        }
        if (pattern.indexOf("%s", from) >= 0) {
            throw new IllegalArgumentException("fewer values than %s in: " + pattern);
        }
        parts.add(new Words(pattern.substring(from)));
        return new MessageText(parts);
    }

    /** The text with each value passed through {@code escapeValue}. */
    public String render(UnaryOperator<String> escapeValue) {
        StringBuilder out = new StringBuilder();
        for (Part part : parts) {
            out.append(part instanceof Value value ? escapeValue.apply(value.text()) : part.text());
        }
        return out.toString();
    }

    /** The text as it is, values unescaped: for tests and logs, never for a chat payload. */
    public String plain() {
        return render(UnaryOperator.identity());
    }
}
