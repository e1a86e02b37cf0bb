package dev.porthole.notification.message;

import dev.porthole.protocol.event.EventEnvelope;
import dev.porthole.protocol.event.EventSentence;
import dev.porthole.protocol.event.PortholeEvent;
import dev.porthole.protocol.event.Severity;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;

/** Turns events, rate-limit summaries and flapping reports into {@link Message}s. */
public final class MessageRenderer {

    private static final String BRAND = "Porthole";

    /** The message for one event: the channel's template if it has one, else a sentence and detail lines. */
    public Message event(EventEnvelope envelope, Optional<MessageTemplate> template) {
        PortholeEvent event = envelope.event();
        String title = BRAND + " · " + envelope.type().wireName();
        if (template.isPresent()) {
            return new Message(event.severity(), title, template.get().renderText(envelope), List.of());
        }
        List<Message.Detail> details = new ArrayList<>();
        EventFields.data(event).forEach((name, value) -> {
            if (value != null) {
                details.add(new Message.Detail(name, String.valueOf(value)));
            }
        });
        details.add(new Message.Detail("at", envelope.occurredAt().toString()));
        details.add(new Message.Detail("source", envelope.source()));
        return new Message(event.severity(), title, sentence(event), details);
    }

    /**
     * The one message that stands for events a channel's rate limit held back, for example
     * {@code 37 more events: 30 agent.connected, 7 auth.failed}.
     */
    public Message summary(List<EventEnvelope> events) {
        Map<String, Long> byType = events.stream()
                .collect(Collectors.groupingBy(e -> e.type().wireName(), TreeMap::new, Collectors.counting()));
        String counts = byType.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
                .map(e -> e.getValue() + " " + e.getKey())
                .collect(Collectors.joining(", "));
        String text = events.size() + " more events: " + counts;
        return new Message(highest(events), BRAND + " · " + events.size() + " more events", text, List.of());
    }

    /**
     * The one message for a tunnel or agent that went down and up again within the window.
     *
     * @param subject what flapped, for example {@code Tunnel http api} or {@code Agent of client c1}
     * @param events every event absorbed, in order
     * @param downType wire name of the "down" event
     * @param window the flapping window
     * @param upNow whether the last event says it is up
     */
    public Message flapping(
            String subject, List<EventEnvelope> events, String downType, Duration window, boolean upNow) {
        long downs = events.stream()
                .filter(e -> e.type().wireName().equals(downType))
                .count();
        long ups = events.size() - downs;
        MessageText text = MessageText.fill(
                "%s flapped: went down " + downs + " and came back " + ups + " time(s) within "
                        + EventSentence.human(window) + "; it is " + (upNow ? "up" : "down") + " now.",
                subject);
        List<Message.Detail> details = List.of(
                new Message.Detail("first", events.getFirst().occurredAt().toString()),
                new Message.Detail("last", events.getLast().occurredAt().toString()));
        return new Message(highest(events), BRAND + " · flapping", text, details);
    }

    private static Severity highest(List<EventEnvelope> events) {
        return events.stream()
                .map(e -> e.event().severity())
                .max(Comparator.naturalOrder())
                .orElse(Severity.INFO);
    }

    private static MessageText sentence(PortholeEvent event) {
        EventSentence sentence = EventSentence.of(event);
        return MessageText.fill(sentence.pattern(), sentence.values().toArray(String[]::new));
    }
}
