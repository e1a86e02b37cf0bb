package dev.porthole.protocol.mux;

import dev.porthole.protocol.CloseCode;
import dev.porthole.protocol.message.HttpRequestHead;
import dev.porthole.protocol.message.Open;
import dev.porthole.protocol.message.ResetCode;

/**
 * Opens streams from this side of a {@link MuxSession}: the stream is usable at once from any
 * thread, and takes its id on the session's context right before its OPEN goes out, so that ids
 * appear on the wire in increasing order even when streams are opened from several threads at once.
 */
final class StreamOpener {

    private final MuxSession session;
    private final SessionEnd end;
    private final StreamTable streams;
    private final FrameSender sender;
    private final PeerLimits peer;
    private final MuxSettings settings;

    StreamOpener(
            MuxSession session,
            SessionEnd end,
            StreamTable streams,
            FrameSender sender,
            PeerLimits peer,
            MuxSettings settings) {
        this.session = session;
        this.end = end;
        this.streams = streams;
        this.sender = sender;
        this.peer = peer;
        this.settings = settings;
    }

    /** See {@link MuxSession#openStream(String, String, HttpRequestHead, boolean)}. */
    MuxStream open(String tunnel, String source, HttpRequestHead request, boolean fin) {
        MuxStream stream = new MuxStream(
                session,
                0,
                new Open(0, tunnel, source, request),
                peer.initialWindow(),
                settings.initialWindow(),
                settings);
        session.onContext(() -> {
            if (end.isClosed()) {
                stream.connectionClosed("the tunnel connection is closed");
                return;
            }
            if (stream.isClosed()) {
                // Reset before its turn came (a grant taken away): its OPEN never goes out.
                return;
            }
            int id = streams.takeLocalId();
            if (id < 0) {
                end.close(CloseCode.GOING_AWAY, "stream ids exhausted; reconnect");
                stream.connectionClosed("stream ids exhausted");
                return;
            }
            Open open = new Open(id, tunnel, source, request, fin);
            stream.assign(id, open);
            if (fin) {
                stream.finishedAtOpen();
            }
            streams.put(id, stream);
            try {
                sender.control(open);
            } catch (IllegalArgumentException e) {
                // The request head does not fit in one frame: fail only this stream.
                streams.remove(id);
                stream.onReset(ResetCode.STREAM_ERROR, e.getMessage());
            }
        });
        return stream;
    }
}
