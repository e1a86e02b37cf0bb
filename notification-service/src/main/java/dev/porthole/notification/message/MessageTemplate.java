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
 * or whose value is null, renders as {@code -}. No expressions, no escaping: just substitution.
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

    /** The template with every placeholder replaced by the event's value. */
    public String render(EventEnvelope envelope) {
        Map<String, Object> values = EventFields.all(envelope);
        Matcher m = PLACEHOLDER.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            Object value = values.get(m.group(1));
            String replacement = value == null ? "-" : String.valueOf(value);
            m.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        m.appendTail(out);
        return out.toString();
    }
}
