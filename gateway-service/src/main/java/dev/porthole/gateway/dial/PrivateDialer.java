package dev.porthole.gateway.dial;

import dev.porthole.gateway.limits.TunnelLimits;
import dev.porthole.gateway.logging.LogFields;
import dev.porthole.gateway.metrics.GatewayMetrics;
import dev.porthole.gateway.registry.LocalRoutes;
import dev.porthole.gateway.registry.TunnelOwner;
import dev.porthole.protocol.auth.Principal;
import dev.porthole.protocol.message.Open;
import dev.porthole.protocol.message.ResetCode;
import dev.porthole.protocol.mux.MuxStream;
import dev.porthole.protocol.relay.Splice;
import dev.porthole.protocol.relay.StreamEnd;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Locale;

/**
 * Connects a stream that an agent opened ({@code porthole connect}) to the private tunnel it names:
 * opens a stream to the publishing agent and relays the two streams both ways. The dialer's grants
 * are checked on every stream, not once per session, so that a session can never reach a tunnel
 * it was not granted by naming it in a later OPEN.
 */
@ApplicationScoped
public class PrivateDialer {

    private final LocalRoutes routes;
    private final GatewayMetrics metrics;

    public PrivateDialer(LocalRoutes routes, GatewayMetrics metrics) {
        this.routes = routes;
        this.metrics = metrics;
    }

    /** Serves or refuses one dial; every refusal is a reset whose message the dialing agent logs. */
    public void dial(Principal dialer, MuxStream stream, Open open) {
        String name = open.tunnel().toLowerCase(Locale.ROOT);
        if (open.request() != null) {
            stream.reset(ResetCode.STREAM_ERROR, "a dial carries raw TCP, not an HTTP request");
            return;
        }
        if (!dialer.grants().allowsDial(name)) {
            try (LogFields fields = LogFields.of(dialer.clientId(), name)) {
                Log.infof("client %s may not dial private tunnel '%s'; stream %d refused", dialer.clientId(), name, stream.id());
            }
            metrics.tcpConnection("forbidden");
            stream.reset(ResetCode.FORBIDDEN, "client '" + dialer.clientId() + "' may not dial private tunnel '" + name
                    + "'; ask an administrator to grant it");
            return;
        }
        TunnelOwner owner = routes.privateTunnel(name).orElse(null);
        if (owner == null) {
            stream.reset(ResetCode.NO_SUCH_TUNNEL, "no agent publishes private tunnel '" + name + "' on this gateway");
            return;
        }
        TunnelLimits limits = owner.limits(name);
        if (!limits.openStream()) {
            metrics.tcpConnection("refused");
            stream.reset(ResetCode.LIMIT_REACHED, "private tunnel '" + name + "' has " + limits.maxStreams()
                    + " connections open, its limit; try again later");
            return;
        }
        MuxStream outbound = owner.openStream(name, "client " + dialer.clientId() + " at " + open.source(), null, false);
        Splice.join(limits.paced(new StreamEnd(stream), true), limits.paced(new StreamEnd(outbound), false)).onComplete(result -> {
            limits.closeStream();
            metrics.tcpConnection(result.succeeded() ? "closed" : "broken");
            if (result.failed()) {
                Log.debugf("dial of private tunnel '%s' by client %s ended: %s", name, dialer.clientId(), result.cause().getMessage());
            }
        });
    }
}
