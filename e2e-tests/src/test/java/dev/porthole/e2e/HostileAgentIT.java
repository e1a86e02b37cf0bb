package dev.porthole.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.porthole.e2e.support.PortholeSystem;
import dev.porthole.e2e.support.RawAgent;
import dev.porthole.protocol.CloseCode;
import dev.porthole.protocol.message.Window;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** An agent that breaks the tunnel protocol on purpose, against a real gateway process. */
class HostileAgentIT {

    private PortholeSystem system;

    @AfterEach
    void stop() {
        if (system != null) {
            system.close();
        }
    }

    @Test
    void closesTheConnectionWithProtocolErrorOnAFrameForAStreamNeverOpened() {
        system = new PortholeSystem("HostileAgentIT-badStreamId").startGateway();
        try (RawAgent agent = RawAgent.connect(system.gatewayPort())) {
            assertThat(agent.tunnelAddress()).startsWith("http://");
            agent.send(new Window(7, 1024));
            RawAgent.Closed closed = agent.awaitClose(Duration.ofSeconds(10));
            assertThat(closed.code()).isEqualTo(CloseCode.PROTOCOL_ERROR.code());
            assertThat(closed.reason()).contains("BAD_STREAM_ID").contains("never opened");
        }
        assertThat(system.gateway().isAlive()).isTrue();
    }
}
