package dev.porthole.protocol.broadcast;

import static org.assertj.core.api.Assertions.assertThat;

import dev.porthole.protocol.JsonMutator;
import dev.porthole.protocol.broadcast.ControlBroadcast.ClientDeleted;
import dev.porthole.protocol.broadcast.ControlBroadcast.ClientDisabled;
import dev.porthole.protocol.broadcast.ControlBroadcast.ClientGrantsChanged;
import dev.porthole.protocol.broadcast.ControlBroadcast.CredentialRevoked;
import dev.porthole.protocol.broadcast.ControlBroadcast.SessionKicked;
import dev.porthole.protocol.broadcast.ControlBroadcast.SigningKeyRetired;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Feeds 20,000 mutations of valid control broadcasts (fixed seed) to the reader every gateway
 * runs on the {@code control} channel: each either parses or fails with a
 * {@link MalformedBroadcastException}; anything else escaping would kill the subscriber.
 */
class BroadcastFuzzTest {

    private static final long SEED = 0xB20A_DCA5L;
    private static final int ITERATIONS = 20_000;

    private static final List<ControlBroadcast> SAMPLES = List.of(
            new ClientDisabled("ci-runner"),
            new ClientDeleted("ci-runner"),
            new ClientGrantsChanged("ci-runner"),
            new CredentialRevoked("ci-runner", "tok_abc"),
            new SessionKicked("s-1", "gw-a", "ci-runner"),
            new SigningKeyRetired("k-20260101-abcd"));

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void noMutationMakesTheReaderThrowAnythingButMalformedBroadcast() {
        Random random = new Random(SEED);
        JsonMutator.Outcome outcome = new JsonMutator(random)
                .fuzz(
                        ITERATIONS,
                        i -> BroadcastCodec.toJson(SAMPLES.get(random.nextInt(SAMPLES.size()))),
                        BroadcastCodec::fromJson,
                        MalformedBroadcastException.class);
        assertThat(outcome.parsed())
                .as("some mutations stay valid (unknown fields)")
                .isPositive();
        assertThat(outcome.rejected()).isPositive();
    }
}
