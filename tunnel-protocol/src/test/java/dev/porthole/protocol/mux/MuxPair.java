package dev.porthole.protocol.mux;

import dev.porthole.protocol.message.ConnectionMessage;
import dev.porthole.protocol.message.Open;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;

/** A gateway session and an agent session joined by in-memory transports, each on its own context. */
final class MuxPair {

    final RecordingTransport gatewayOut = new RecordingTransport();
    final RecordingTransport agentOut = new RecordingTransport();
    final MuxSession gateway;
    final MuxSession agent;
    final List<String> gatewayClosed = new CopyOnWriteArrayList<>();
    final List<String> agentClosed = new CopyOnWriteArrayList<>();

    MuxPair(Vertx vertx, MuxSettings settings, BiConsumer<MuxStream, Open> agentAccepts) {
        gateway = new MuxSession(vertx.getOrCreateContext(), gatewayOut, settings, MuxSession.Role.GATEWAY);
        agent = new MuxSession(vertx.getOrCreateContext(), agentOut, settings, MuxSession.Role.AGENT);
        try {
            // What HELLO and WELCOME would announce.
            gateway.peerLimits(settings.initialWindow(), settings.maxFrameSize());
            agent.peerLimits(settings.initialWindow(), settings.maxFrameSize());
        } catch (dev.porthole.protocol.frame.ProtocolException e) {
            throw new AssertionError(e);
        }
        gatewayOut.connect(agent);
        agentOut.connect(gateway);
        gateway.listener(new Listener(
                (s, o) -> s.reset(dev.porthole.protocol.message.ResetCode.FORBIDDEN, "no"), gatewayClosed));
        agent.listener(new Listener(agentAccepts, agentClosed));
    }

    private record Listener(BiConsumer<MuxStream, Open> accepts, List<String> closed) implements MuxListener {
        @Override
        public void onOpen(MuxStream stream, Open open) {
            accepts.accept(stream, open);
        }

        @Override
        public void onMessage(ConnectionMessage message) {}

        @Override
        public void onClosed(int code, String reason) {
            closed.add(code + " " + reason);
        }
    }
}
