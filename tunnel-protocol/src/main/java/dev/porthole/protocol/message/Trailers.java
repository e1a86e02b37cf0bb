package dev.porthole.protocol.message;

import dev.porthole.protocol.frame.FrameType;
import java.util.List;
import java.util.Objects;

/**
 * Either side, instead of FIN when a message ends with trailer fields (gRPC's {@code grpc-status}
 * travels so): the fields, after which the sender sends no more DATA on this stream. Only between
 * peers that both announced {@link Capabilities#TRAILERS}; the fields follow the rules of
 * {@link HttpFieldRules#trailerProblem}.
 */
public record Trailers(int streamId, List<Header> fields) implements StreamMessage {

    public Trailers {
        fields = List.copyOf(Objects.requireNonNull(fields, "fields"));
    }

    @Override
    public FrameType type() {
        return FrameType.TRAILERS;
    }
}
