package dev.porthole.notification.message;

import dev.porthole.protocol.event.EventEnvelope;
import dev.porthole.protocol.event.PortholeEvent;
import dev.porthole.protocol.event.PortholeEvent.AgentConnected;
import dev.porthole.protocol.event.PortholeEvent.AgentDisconnected;
import dev.porthole.protocol.event.PortholeEvent.AuthFailed;
import dev.porthole.protocol.event.PortholeEvent.ClientCreated;
import dev.porthole.protocol.event.PortholeEvent.ClientDeleted;
import dev.porthole.protocol.event.PortholeEvent.ClientDisabled;
import dev.porthole.protocol.event.PortholeEvent.CertificateRejected;
import dev.porthole.protocol.event.PortholeEvent.CertificateReloaded;
import dev.porthole.protocol.event.PortholeEvent.CertificateRenewalFailed;
import dev.porthole.protocol.event.PortholeEvent.ConfigRejected;
import dev.porthole.protocol.event.PortholeEvent.ConfigReloaded;
import dev.porthole.protocol.event.PortholeEvent.GatewayDraining;
import dev.porthole.protocol.event.PortholeEvent.GatewayStarted;
import dev.porthole.protocol.event.PortholeEvent.LimitHit;
import dev.porthole.protocol.event.PortholeEvent.PublicSessionExpired;
import dev.porthole.protocol.event.PortholeEvent.SigningSecretRotated;
import dev.porthole.protocol.event.PortholeEvent.TunnelClosed;
import dev.porthole.protocol.event.PortholeEvent.TunnelOpened;
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
    public Message flapping(String subject, List<EventEnvelope> events, String downType, Duration window, boolean upNow) {
        long downs = events.stream().filter(e -> e.type().wireName().equals(downType)).count();
        long ups = events.size() - downs;
        MessageText text = MessageText.fill("%s flapped: went down " + downs + " and came back " + ups + " time(s) within "
                + human(window) + "; it is " + (upNow ? "up" : "down") + " now.", subject);
        List<Message.Detail> details = List.of(
                new Message.Detail("first", events.getFirst().occurredAt().toString()),
                new Message.Detail("last", events.getLast().occurredAt().toString()));
        return new Message(highest(events), BRAND + " · flapping", text, details);
    }

    private static Severity highest(List<EventEnvelope> events) {
        return events.stream().map(e -> e.event().severity()).max(Comparator.naturalOrder()).orElse(Severity.INFO);
    }

    private static MessageText sentence(PortholeEvent event) {
        return switch (event) {
            case AgentConnected e -> MessageText.fill("Agent of client %s connected to gateway %s from %s.",
                    v(e.clientId()), v(e.gatewayId()), v(e.remoteAddress()));
            case AgentDisconnected e -> MessageText.fill("Agent of client %s disconnected from gateway %s after %s (%s in, %s out): %s.",
                    v(e.clientId()), v(e.gatewayId()), human(Duration.ofMillis(e.durationMillis())), bytes(e.bytesIn()), bytes(e.bytesOut()),
                    v(e.reason()));
            case TunnelOpened e -> MessageText.fill("Tunnel %s %s opened at %s (client %s).",
                    v(e.kind()), v(e.name()), v(e.publicAddress()), v(e.clientId()));
            case TunnelClosed e -> MessageText.fill("Tunnel %s %s closed (client %s): %s.",
                    v(e.kind()), v(e.name()), v(e.clientId()), v(e.reason()));
            case AuthFailed e -> MessageText.fill("%s failed authentication(s) in %ss from %s for client %s: %s.",
                    String.valueOf(e.count()), String.valueOf(e.windowSeconds()), v(e.remoteAddress()), v(e.clientId()), v(e.reason()));
            case ClientCreated e -> MessageText.fill("Client %s created by %s.", v(e.clientId()), v(e.actor()));
            case ClientDisabled e -> MessageText.fill("Client %s disabled by %s; its sessions were closed.",
                    v(e.clientId()), v(e.actor()));
            case ClientDeleted e -> MessageText.fill("Client %s deleted by %s; its sessions were closed.",
                    v(e.clientId()), v(e.actor()));
            case SigningSecretRotated e -> MessageText.fill("JWT signing secret rotated by %s (current key %s, previous %s).",
                    v(e.actor()), v(e.currentKeyId()), v(e.previousKeyId()));
            case LimitHit e -> MessageText.fill("%s limit hit for client %s on tunnel %s: %s.",
                    v(e.limit()), v(e.clientId()), v(e.tunnel()), v(e.detail()));
            case PortholeEvent.PolicyRefused e -> MessageText.fill("Policy rule %s of tunnel %s (client %s) refused a request from %s with %s.",
                    v(e.rule()), v(e.tunnel()), v(e.clientId()), v(e.remoteAddress()), String.valueOf(e.status()));
            case PublicSessionExpired e -> MessageText.fill("Public session %s from %s expired (tunnels %s).",
                    v(e.sessionId()), v(e.remoteAddress()), v(e.tunnels()));
            case GatewayStarted e -> MessageText.fill("Gateway %s started (version %s) at %s.",
                    v(e.gatewayId()), v(e.version()), v(e.publicAddress()));
            case GatewayDraining e -> MessageText.fill("Gateway %s is draining %s session(s): %s.",
                    v(e.gatewayId()), String.valueOf(e.sessions()), v(e.reason()));
            case ConfigRejected e -> MessageText.fill("%s rejected a configuration change from %s: %s.",
                    v(e.service()), v(e.source()), v(e.detail()));
            case ConfigReloaded e -> MessageText.fill("%s put a new configuration from %s in force: %s.",
                    v(e.service()), v(e.source()), v(e.changes()));
            case CertificateRejected e -> MessageText.fill("Gateway %s keeps its previous TLS certificates: the new ones from %s cannot be served: %s.",
                    v(e.gatewayId()), v(e.source()), v(e.detail()));
            case CertificateReloaded e -> MessageText.fill("Gateway %s serves new TLS certificates from %s: %s.",
                    v(e.gatewayId()), v(e.source()), v(e.certificates()));
            case CertificateRenewalFailed e -> MessageText.fill("Gateway %s could not get a certificate for %s from its ACME CA: %s. It keeps serving"
                    + " the one it has (valid until %s) and tries again.", v(e.gatewayId()), v(e.host()), v(e.detail()), v(e.servedUntil()));
        };
    }

    private static String v(String value) {
        return value == null || value.isBlank() ? "-" : value;
    }

    static String human(Duration d) {
        long seconds = d.toSeconds();
        if (seconds < 1) {
            return d.toMillis() + "ms";
        }
        long h = seconds / 3600;
        long m = seconds % 3600 / 60;
        long s = seconds % 60;
        StringBuilder out = new StringBuilder();
        if (h > 0) {
            out.append(h).append("h ");
        }
        if (h > 0 || m > 0) {
            out.append(m).append("m ");
        }
        return out.append(s).append('s').toString();
    }

    static String bytes(long n) {
        if (n < 1024) {
            return n + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double value = n;
        int unit = -1;
        while (value >= 1024 && unit < units.length - 1) {
            value /= 1024;
            unit++;
        }
        return String.format(java.util.Locale.ROOT, "%.1f %s", value, units[unit]);
    }
}
