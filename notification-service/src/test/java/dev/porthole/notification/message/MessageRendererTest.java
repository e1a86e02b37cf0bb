package dev.porthole.notification.message;

import static org.assertj.core.api.Assertions.assertThat;

import dev.porthole.protocol.event.EventEnvelope;
import dev.porthole.protocol.event.PortholeEvent;
import dev.porthole.protocol.event.Severity;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class MessageRendererTest {

    private final MessageRenderer renderer = new MessageRenderer();

    private static EventEnvelope at(PortholeEvent event) {
        return new EventEnvelope("id", Instant.parse("2026-01-01T00:00:00Z"), "gateway/a", event);
    }

    @Test
    void summarisesByTypeMostFrequentFirstWithTheHighestSeverity() {
        List<EventEnvelope> events = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            events.add(at(new PortholeEvent.AuthFailed("c", "1.2.3.4", "bad", 1, 60)));
        }
        for (int i = 0; i < 30; i++) {
            events.add(at(new PortholeEvent.AgentConnected("g", "s", "c", "a", "1.2.3.4", "1")));
        }

        Message summary = renderer.summary(events);

        assertThat(summary.text()).isEqualTo("37 more events: 30 agent.connected, 7 auth.failed");
        assertThat(summary.title()).isEqualTo("Porthole · 37 more events");
        assertThat(summary.severity()).isEqualTo(Severity.WARNING);
    }

    @Test
    void describesADisconnectWithDurationAndTraffic() {
        Message message = renderer.event(
                at(new PortholeEvent.AgentDisconnected(
                        "gw-1", "s", "c-9", "1.2.3.4", 1000, "closed by agent", 3_723_000, 1536, 5 * 1024 * 1024)),
                Optional.empty());

        assertThat(message.text())
                .isEqualTo(
                        "Agent of client c-9 disconnected from gateway gw-1 after 1h 2m 3s (1.5 KiB in, 5.0 MiB out): closed by agent.");
        assertThat(message.details())
                .extracting(Message.Detail::name)
                .containsExactly(
                        "gatewayId",
                        "sessionId",
                        "clientId",
                        "remoteAddress",
                        "closeCode",
                        "reason",
                        "durationMillis",
                        "bytesIn",
                        "bytesOut",
                        "at",
                        "source");
    }

    @Test
    void saysWhichCertificateTheCaDidNotRenewAndThatTheOldOneIsStillServed() {
        Message message = renderer.event(
                at(new PortholeEvent.CertificateRenewalFailed(
                        "gw-1",
                        "app.example.com",
                        "the ACME CA did not issue a certificate for app.example.com: rejected",
                        "2027-03-01T00:00:00Z")),
                Optional.empty());

        assertThat(message.text())
                .isEqualTo(
                        "Gateway gw-1 could not get a certificate for app.example.com from its ACME CA: the ACME CA did not"
                                + " issue a certificate for app.example.com: rejected. It keeps serving the one it has (valid until 2027-03-01T00:00:00Z) and tries again.");
        assertThat(message.severity()).isEqualTo(Severity.CRITICAL);
    }

    @Test
    void usesTheTemplateInsteadOfSentenceAndDetails() {
        Message message = renderer.event(
                at(new PortholeEvent.ClientCreated("c-1", "root")),
                Optional.of(new MessageTemplate("new client {clientId}")));

        assertThat(message.text()).isEqualTo("new client c-1");
        assertThat(message.details()).isEmpty();
        assertThat(message.plainText()).isEqualTo("Porthole · client.created\nnew client c-1");
    }
}
