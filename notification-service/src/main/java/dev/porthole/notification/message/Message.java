package dev.porthole.notification.message;

import dev.porthole.protocol.event.Severity;
import java.util.List;
import java.util.Objects;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;

/**
 * What a chat message says, before a provider shapes it into its service's payload.
 *
 * @param severity how much it matters
 * @param title short heading, for example {@code Porthole · tunnel.closed}
 * @param body one or a few sentences (or the channel template's output), with the event's values marked
 * @param details name/value lines under the text (names are ours, values an event's); empty when a template is used
 */
public record Message(Severity severity, String title, MessageText body, List<Detail> details) {

    public Message {
        Objects.requireNonNull(severity, "severity");
        Objects.requireNonNull(title, "title");
        Objects.requireNonNull(body, "body");
        details = List.copyOf(details);
    }

    /** A message whose text holds no event values. */
    public Message(Severity severity, String title, String text, List<Detail> details) {
        this(severity, title, MessageText.words(text), details);
    }

    /** One name/value line. */
    public record Detail(String name, String value) {}

    /** The text with values unescaped: for tests and logs, never for a chat payload. */
    public String text() {
        return body.plain();
    }

    /** The text with each event value passed through {@code escapeValue}. */
    public String text(UnaryOperator<String> escapeValue) {
        return body.render(escapeValue);
    }

    /** Title, text and details as plain lines, values through {@code escapeValue}: the TEXT form every provider shares. */
    public String plainText(UnaryOperator<String> escapeValue) {
        StringBuilder out = new StringBuilder(title).append('\n').append(text(escapeValue));
        for (Detail d : details) {
            out.append('\n').append(d.name()).append(": ").append(escapeValue.apply(d.value()));
        }
        return out.toString();
    }

    /** Title, text and details as plain lines, values unescaped. */
    public String plainText() {
        return plainText(UnaryOperator.identity());
    }

    /** Details as lines with a per-provider shape, for example {@code "- **%s**: %s"}, values through {@code escapeValue}. */
    public String detailLines(String lineFormat, UnaryOperator<String> escapeValue) {
        return details.stream()
                .map(d -> lineFormat.formatted(d.name(), escapeValue.apply(d.value())))
                .collect(Collectors.joining("\n"));
    }

    /** Details as lines with a per-provider shape, values unescaped. */
    public String detailLines(String lineFormat) {
        return detailLines(lineFormat, UnaryOperator.identity());
    }
}
