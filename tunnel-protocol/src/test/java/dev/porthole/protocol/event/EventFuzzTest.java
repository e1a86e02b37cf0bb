package dev.porthole.protocol.event;

import static org.assertj.core.api.Assertions.assertThat;

import dev.porthole.protocol.JsonMutator;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Feeds 20,000 mutations of valid event envelopes (fixed seed) to the reader that
 * notification-service runs on the {@code events} stream: each either parses or fails with a
 * {@link MalformedEventException}; anything else escaping would stall the consumer on one entry.
 */
class EventFuzzTest {

    private static final long SEED = 0xE7E7_2026L;
    private static final int ITERATIONS = 20_000;
    private static final Instant AT = Instant.parse("2026-11-22T10:00:00Z");

    private static final List<PortholeEvent> SAMPLES = List.of(
            new PortholeEvent.AgentConnected("g1", "s1", "c1", "a1", "10.0.0.1:5000", "0.1.0"),
            new PortholeEvent.AgentDisconnected("g1", "s1", "c1", "10.0.0.1:5000", 1000, "bye", 1234, 10, 20),
            new PortholeEvent.TunnelOpened("g1", "s1", "c1", "http", "api", "http://api.example.com"),
            new PortholeEvent.AuthFailed(null, "10.0.0.9", "bad token", 12, 60),
            new PortholeEvent.SigningSecretRotated("admin", "k2", "k1"),
            new PortholeEvent.LimitHit("g1", "c1", "api", "bandwidth", "1MB/s"),
            new PortholeEvent.PolicyRefused("g1", "c1", "api", "basic-auth", 401, "192.0.2.7"),
            new PortholeEvent.GatewayDraining("g1", "SIGTERM", 3),
            new PortholeEvent.ConfigRejected("gateway", "gateway.yml", "line 3: bad key"));

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void noMutationMakesTheReaderThrowAnythingButMalformedEvent() {
        Random random = new Random(SEED);
        JsonMutator.Outcome outcome = new JsonMutator(random)
                .fuzz(
                        ITERATIONS,
                        i -> EventCodec.toJson(new EventEnvelope(
                                "id-" + i, AT, "gateway/g1", SAMPLES.get(random.nextInt(SAMPLES.size())))),
                        EventCodec::fromJson,
                        MalformedEventException.class);
        assertThat(outcome.parsed())
                .as("some mutations stay valid (unknown fields)")
                .isPositive();
        assertThat(outcome.rejected()).isPositive();
    }
}
