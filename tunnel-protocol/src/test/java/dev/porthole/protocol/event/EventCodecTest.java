package dev.porthole.protocol.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class EventCodecTest {

    private static final Instant AT = Instant.parse("2026-11-22T10:00:00Z");

    private static final List<PortholeEvent> ONE_OF_EACH = List.of(
            new PortholeEvent.AgentConnected("g1", "s1", "c1", "a1", "10.0.0.1:5000", "0.1.0"),
            new PortholeEvent.AgentDisconnected("g1", "s1", "c1", "10.0.0.1:5000", 1000, "bye", 1234, 10, 20),
            new PortholeEvent.TunnelOpened("g1", "s1", "c1", "http", "api", "http://api.example.com"),
            new PortholeEvent.TunnelClosed("g1", "s1", "c1", "http", "api", "agent gone"),
            new PortholeEvent.AuthFailed(null, "10.0.0.9", "bad token", 12, 60),
            new PortholeEvent.ClientCreated("c1", "admin"),
            new PortholeEvent.ClientDisabled("c1", "admin"),
            new PortholeEvent.ClientDeleted("c1", "admin"),
            new PortholeEvent.SigningSecretRotated("admin", "k2", "k1"),
            new PortholeEvent.LimitHit("g1", "c1", "api", "bandwidth", "1MB/s"),
            new PortholeEvent.PolicyRefused("g1", "c1", "api", "basic-auth", 401, "192.0.2.7"),
            new PortholeEvent.PublicSessionExpired("g1", "s1", "10.0.0.1:5000", "brave-otter"),
            new PortholeEvent.GatewayStarted("g1", "0.1.0", "http://example.com"),
            new PortholeEvent.GatewayDraining("g1", "SIGTERM", 3),
            new PortholeEvent.ConfigRejected("gateway", "gateway.yml", "line 3: bad key"),
            new PortholeEvent.ConfigReloaded("gateway-1", "porthole.yml", "3f2a", "tokens: 2 -> 3"),
            new PortholeEvent.CertificateRejected(
                    "gateway-1", "/etc/porthole/tls/example.com.pem", "the certificate expired"),
            new PortholeEvent.CertificateReloaded(
                    "gateway-1", "/etc/porthole/tls/example.com.pem", "*.example.com, example.com (serial 1f)"),
            new PortholeEvent.CertificateRenewalFailed(
                    "gateway-1", "app.example.com", "the CA is unreachable", "2027-03-01T00:00:00Z"));

    @Test
    void coversEveryEventType() {
        assertThat(ONE_OF_EACH.stream().map(PortholeEvent::type)).containsExactlyInAnyOrder(EventType.values());
    }

    @Test
    void everyEventSurvivesARoundTrip() throws MalformedEventException {
        for (PortholeEvent event : ONE_OF_EACH) {
            EventEnvelope envelope = new EventEnvelope("id-1", AT, "gateway/g1", event);
            assertThat(EventCodec.fromJson(EventCodec.toJson(envelope))).isEqualTo(envelope);
        }
    }

    @Test
    void writesThePinnedJsonShape() {
        String json = EventCodec.toJson(
                new EventEnvelope("id-1", AT, "auth/a", new PortholeEvent.ClientCreated("c1", "admin")));
        assertThat(json)
                .isEqualTo(
                        "{\"v\":1,\"id\":\"id-1\",\"type\":\"client.created\",\"severity\":\"INFO\","
                                + "\"at\":\"2026-11-22T10:00:00Z\",\"source\":\"auth/a\",\"data\":{\"clientId\":\"c1\",\"actor\":\"admin\"}}");
    }

    @Test
    void ignoresFieldsItDoesNotKnowSoNewerWritersDoNotBreakIt() throws MalformedEventException {
        String json =
                "{\"v\":1,\"id\":\"x\",\"type\":\"client.created\",\"at\":\"2026-11-22T10:00:00Z\",\"source\":\"s\","
                        + "\"extra\":true,\"data\":{\"clientId\":\"c1\",\"actor\":\"a\",\"newField\":5}}";
        assertThat(EventCodec.fromJson(json).event()).isEqualTo(new PortholeEvent.ClientCreated("c1", "a"));
    }

    @Test
    void rejectsMalformedEntriesWithAReason() {
        assertMalformed(null, "no 'event' field");
        assertMalformed("not json", "not JSON");
        assertMalformed("[1,2]", "not a JSON object");
        assertMalformed("{\"v\":2,\"type\":\"client.created\"}", "unsupported event version");
        assertMalformed("{\"v\":1,\"type\":\"martians.landed\",\"data\":{}}", "unknown event type 'martians.landed'");
        assertMalformed("{\"v\":1,\"type\":\"client.created\"}", "has no data object");
        assertMalformed(
                "{\"v\":1,\"id\":\"x\",\"type\":\"client.created\",\"at\":\"yesterday\",\"source\":\"s\",\"data\":{}}",
                "bad 'at'");
        assertMalformed(
                "{\"v\":1,\"type\":\"agent.disconnected\",\"id\":\"x\",\"at\":\"2026-11-22T10:00:00Z\",\"source\":\"s\","
                        + "\"data\":{\"closeCode\":\"loud\"}}",
                "bad data");
    }

    @Test
    void severityOrderingDrivesFilters() {
        assertThat(Severity.CRITICAL.atLeast(Severity.WARNING)).isTrue();
        assertThat(Severity.INFO.atLeast(Severity.WARNING)).isFalse();
        assertThat(new PortholeEvent.AuthFailed("c", "a", "r", 1, 60).severity())
                .isEqualTo(Severity.WARNING);
    }

    private static void assertMalformed(String json, String reason) {
        assertThatThrownBy(() -> EventCodec.fromJson(json))
                .isInstanceOf(MalformedEventException.class)
                .hasMessageContaining(reason);
    }
}
