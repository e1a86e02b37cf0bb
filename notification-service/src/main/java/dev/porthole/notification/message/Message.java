package dev.porthole.notification.message;

import dev.porthole.protocol.event.Severity;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * What a chat message says, before a provider shapes it into its service's payload.
 *
 * @param severity how much it matters
 * @param title short heading, for example {@code Porthole · tunnel.closed}
 * @param text one or a few sentences (or the channel template's output)
 * @param details name/value lines under the text; empty when a template is used
 */
public record Message(Severity severity, String title, String text, List<Detail> details) {

    public Message {
        Objects.requireNonNull(severity, "severity");
        Objects.requireNonNull(title, "title");
        Objects.requireNonNull(text, "text");
        details = List.copyOf(details);
    }

    /** One name/value line. */
    public record Detail(String name, String value) {
    }

    /** Title, text and details as plain lines: the TEXT form every provider shares. */
    public String plainText() {
        StringBuilder out = new StringBuilder(title).append('\n').append(text);
        for (Detail d : details) {
            out.append('\n').append(d.name()).append(": ").append(d.value());
        }
        return out.toString();
    }

    /** Details as lines with a per-provider shape, for example {@code "- **%s**: %s"}. */
    public String detailLines(String lineFormat) {
        return details.stream().map(d -> lineFormat.formatted(d.name(), d.value())).collect(Collectors.joining("\n"));
    }
}
