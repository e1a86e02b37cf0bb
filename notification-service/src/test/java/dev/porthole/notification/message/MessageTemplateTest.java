package dev.porthole.notification.message;

import static org.assertj.core.api.Assertions.assertThat;

import dev.porthole.protocol.event.EventEnvelope;
import dev.porthole.protocol.event.PortholeEvent;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class MessageTemplateTest {

    private static final EventEnvelope CLOSED = new EventEnvelope(
            "id-1",
            Instant.parse("2026-03-04T05:06:07Z"),
            "gateway/a",
            new PortholeEvent.TunnelClosed("gw-1", "s-1", "c-1", "http", "api", null));

    @Test
    void replacesEnvelopeAndEventPlaceholders() {
        assertThat(new MessageTemplate("[{severity}] {type} {name} of {clientId} at {at} from {source} ({id})")
                        .render(CLOSED))
                .isEqualTo("[INFO] tunnel.closed api of c-1 at 2026-03-04T05:06:07Z from gateway/a (id-1)");
    }

    @Test
    void rendersNullAndAbsentValuesAsADash() {
        assertThat(new MessageTemplate("{reason}|{count}").render(CLOSED)).isEqualTo("-|-");
    }

    @Test
    void keepsDollarSignsAndBackslashesInValues() {
        EventEnvelope limit = new EventEnvelope(
                "id", Instant.EPOCH, "s", new PortholeEvent.LimitHit("g", "c", "t", "bandwidth", "$1 \\ cost"));
        assertThat(new MessageTemplate("{detail}").render(limit)).isEqualTo("$1 \\ cost");
    }

    @Test
    void namesPlaceholdersNoEventHas() {
        assertThat(new MessageTemplate("{type} {bogus} {clientId} {alsoBogus} {bogus}").unknownPlaceholders())
                .containsExactly("bogus", "alsoBogus");
        assertThat(new MessageTemplate("{remoteAddress} {bytesIn} {publicAddress}").unknownPlaceholders())
                .isEmpty();
    }
}
