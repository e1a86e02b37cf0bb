package dev.porthole.notification.message;

import dev.porthole.protocol.event.EventEnvelope;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A channel's message template: text with placeholders such as {@code {type}}, {@code {clientId}}
 * or {@code {name}} (see {@link EventFields#knownNames()}). A placeholder the event does not carry,
 * or whose value is null, renders as {@code -}. No expressions: just substitution; the template's own
 * text is sent as written (its markup works), the values are escaped by each provider.
 *
 * @param text the template
 */
public record MessageTemplate(String text) {

    /** Longest template accepted. */
    public static final int MAX_LENGTH = 2000;

    private static final Pattern PLACEHOLDER = Pattern.compile("\\{([A-Za-z][A-Za-z0-9]*)}");

    /** Placeholders in the template that no event or envelope has, in order of appearance. */
    public List<String> unknownPlaceholders() {
        Set<String> unknown = new LinkedHashSet<>();
        Matcher m = PLACEHOLDER.matcher(text);
        while (m.find()) {
            if (!EventFields.knownNames().contains(m.group(1))) {
                unknown.add(m.group(1));
            }
        }
        return new ArrayList<>(unknown);
    }

    /** The template with every placeholder replaced by the event's value, unescaped. */
    public String render(EventEnvelope envelope) {
        return renderText(envelope).plain();
    }

    /** The template as words, with every placeholder a value that a provider escapes for its markup. */
    public MessageText renderText(EventEnvelope envelope) {
        Map<String, Object> values = EventFields.all(envelope);
        Matcher m = PLACEHOLDER.matcher(text);
        List<MessageText.Part> parts = new ArrayList<>();
        int from = 0;
        while (m.find()) {
            Object value = values.get(m.group(1));
            parts.add(new MessageText.Words(text.substring(from, m.start())));
            parts.add(new MessageText.Value(value == null ? "-" : String.valueOf(value)));
            from = m.end();
        }
        parts.add(new MessageText.Words(text.substring(from)));
        return new MessageText(parts);
    }
}
