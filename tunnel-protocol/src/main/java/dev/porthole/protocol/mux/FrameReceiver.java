package dev.porthole.protocol.mux;

import dev.porthole.protocol.buffer.Ownership;
import dev.porthole.protocol.frame.Frame;
import dev.porthole.protocol.frame.FrameCodec;
import dev.porthole.protocol.frame.FrameType;
import dev.porthole.protocol.frame.ProtocolError;
import dev.porthole.protocol.frame.ProtocolException;
import dev.porthole.protocol.message.ConnectionMessage;
import dev.porthole.protocol.message.ControlMessage;
import dev.porthole.protocol.message.Fin;
import dev.porthole.protocol.message.MessageCodec;
import dev.porthole.protocol.message.Open;
import dev.porthole.protocol.message.Ping;
import dev.porthole.protocol.message.Pong;
import dev.porthole.protocol.message.ResetCode;
import dev.porthole.protocol.message.Response;
import dev.porthole.protocol.message.Rst;
import dev.porthole.protocol.message.Trailers;
import dev.porthole.protocol.message.Window;
import io.vertx.core.buffer.Buffer;
import org.jboss.logging.Logger;

/**
 * The receiving half of a {@link MuxSession}: counts the bytes of each message the peer sent and
 * tells the heartbeat, decodes it, hands DATA straight to its stream and every other frame to its
 * stream or the session, and enforces the stream-id and stream-count rules. A broken rule closes
 * the connection, except a malformed response head, which fails only its stream. Nothing is read
 * once the session is closed. Confined to the session's context.
 */
final class FrameReceiver {

    private static final Logger LOG = Logger.getLogger(FrameReceiver.class);

    private final MuxSession session;
    private final SessionEnd end;
    private final FrameCodec codec;
    private final StreamTable streams;
    private final FloodGuard flood;
    private final WindowBudget windows;
    private final Heartbeat heartbeat;
    private final PeerLimits peer;
    private final MuxSettings settings;
    /** Written on the context only, read from any thread: a plain volatile field, as {@link FrameSender}'s. */
    private volatile long bytesReceived;

    FrameReceiver(
            MuxSession session,
            SessionEnd end,
            FrameCodec codec,
            StreamTable streams,
            FloodGuard flood,
            WindowBudget windows,
            Heartbeat heartbeat,
            PeerLimits peer,
            MuxSettings settings) {
        this.session = session;
        this.end = end;
        this.codec = codec;
        this.streams = streams;
        this.flood = flood;
        this.windows = windows;
        this.heartbeat = heartbeat;
        this.peer = peer;
        this.settings = settings;
    }

    /** Bytes received so far, frames included; readable from any thread. */
    long bytesReceived() {
        return bytesReceived;
    }

    /** Handles one received message, which it takes over ({@link Ownership}). */
    void receive(Buffer message) {
        if (end.isClosed()) {
            Ownership.release(message);
            return;
        }
        heartbeat.received();
        bytesReceived += message.length();
        boolean handedOver = false;
        try {
            Frame frame = codec.decode(message);
            if (frame.type() == FrameType.DATA) {
                MuxStream stream = stream(frame.streamId(), FrameType.DATA);
                if (stream != null) {
                    stream.onData(frame.payload(), frame.fin());
                    handedOver = true;
                }
            } else if (frame.type() == FrameType.DATAGRAM) {
                Datagrams lane = session.datagramsIfCreated();
                if (lane == null) {
                    throw new ProtocolException(ProtocolError.UNEXPECTED_FRAME, Datagrams.NOT_AGREED);
                }
                lane.receive(frame);
            } else {
                if (frame.streamId() == Frame.CONNECTION_STREAM) {
                    flood.idleFrame(frame.type().name());
                }
                dispatch(MessageCodec.decode(frame));
            }
        } catch (ProtocolException e) {
            if (e.error() == ProtocolError.MALFORMED_HEAD && failStream(e)) {
                return;
            }
            end.protocolError(e);
        } finally {
            if (!handedOver) {
                Ownership.release(message);
            }
        }
    }

    /**
     * A response head the peer sent on one stream breaks RFC 9110: that stream is reset both ways and
     * its reader told; the connection's other streams go on. False if the stream never existed (then
     * the connection closes).
     */
    private boolean failStream(ProtocolException e) {
        int id = e.streamId();
        MuxStream stream = streams.get(id);
        boolean existed = stream != null || streams.openedLocally(id);
        if (!existed) {
            return false;
        }
        LOG.debugf("resetting stream %d: %s", Integer.toUnsignedLong(id), e.getMessage());
        if (stream != null) {
            session.frames().reset(id, ResetCode.STREAM_ERROR, e.getMessage());
            stream.onReset(ResetCode.STREAM_ERROR, "malformed response head: " + e.getMessage());
        }
        return true;
    }

    private void dispatch(ControlMessage message) throws ProtocolException {
        switch (message) {
            case Ping ping -> session.frames().reply(new Pong(ping.timestamp()));
            case Pong pong -> windows.roundTrip(windows.now() - pong.timestamp());
            case ConnectionMessage connection -> session.listener().onMessage(connection);
            case Open open -> onOpen(open);
            case Response response -> {
                MuxStream stream = stream(response.streamId(), response.type());
                if (stream != null) {
                    stream.onResponse(response.head());
                    if (response.fin()) {
                        stream.onFin();
                    }
                }
            }
            case Window window -> {
                MuxStream stream = stream(window.streamId(), window.type());
                if (stream != null) {
                    stream.onWindow(window.increment());
                }
            }
            case Fin fin -> {
                MuxStream stream = stream(fin.streamId(), fin.type());
                if (stream != null) {
                    stream.onFin();
                }
            }
            case Trailers trailers -> {
                MuxStream stream = stream(trailers.streamId(), trailers.type());
                if (stream != null) {
                    stream.onTrailers(trailers.fields());
                }
            }
            case Rst rst -> {
                MuxStream stream = stream(rst.streamId(), rst.type());
                if (stream != null) {
                    stream.onReset(rst.code(), rst.message());
                }
            }
        }
    }

    private void onOpen(Open open) throws ProtocolException {
        int id = open.streamId();
        streams.acceptPeerId(id);
        if (streams.size() >= settings.maxStreams()) {
            flood.idleFrame("refused OPEN");
            session.frames()
                    .reset(id, ResetCode.LIMIT_REACHED, "too many open streams (limit " + settings.maxStreams() + ")");
            return;
        }
        MuxStream stream = new MuxStream(session, id, open, peer.initialWindow(), settings.initialWindow(), settings);
        streams.put(id, stream);
        session.listener().onOpen(stream, open);
        if (!streams.contains(id)) {
            // Refused at once (a dial the peer may not make): an OPEN that did no work.
            flood.idleFrame("refused OPEN");
            return;
        }
        if (open.fin()) {
            stream.onFin();
        }
    }

    /** The open stream with this id; null for a stream that existed and closed; an error for one that never existed. */
    private MuxStream stream(int id, FrameType type) throws ProtocolException {
        MuxStream stream = streams.get(id);
        if (stream != null) {
            return stream;
        }
        if (!streams.everOpened(id)) {
            throw new ProtocolException(
                    ProtocolError.BAD_STREAM_ID,
                    type + " on stream " + Integer.toUnsignedLong(id) + ", which was never opened");
        }
        if (type != FrameType.DATA) {
            // DATA still in flight when a stream ends is bounded by its credit; control frames for it are not.
            flood.idleFrame(type + " for a closed stream");
        }
        return null;
    }
}
