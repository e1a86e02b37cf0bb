package dev.porthole.gateway.control;

import dev.porthole.protocol.message.ResetCode;
import dev.porthole.protocol.mux.MuxStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Predicate;

/**
 * The streams of one agent session that are still open, so that a grant taken away ends the streams
 * that used it (a revoked tunnel's visitors, dials of a tunnel no longer granted). Closed streams
 * are dropped whenever one is added, so the queue holds at most the session's open streams plus one.
 */
final class SessionStreams {

    private static final VarHandle OPEN;

    static {
        try {
            OPEN = MethodHandles.lookup().findVarHandle(SessionStreams.class, "open", Queue.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Made when the first stream opens (from whichever thread opens it): an idle session holds no queue. */
    private volatile Queue<MuxStream> open;

    /** Remembers a stream that just opened; safe from any thread. */
    MuxStream track(MuxStream stream) {
        Queue<MuxStream> streams = open;
        if (streams == null) {
            if (stream == null) {
                return null;
            }
            OPEN.compareAndSet(this, null, new ConcurrentLinkedQueue<MuxStream>());
            streams = open;
        }
        streams.removeIf(MuxStream::isClosed);
        if (stream != null) {
            streams.add(stream);
        }
        return stream;
    }

    /** Resets every open stream that {@code ended} picks, with a reason its agent logs; on the session's context. */
    int reset(Predicate<MuxStream> ended, String reason) {
        Queue<MuxStream> streams = open;
        if (streams == null) {
            return 0;
        }
        int count = 0;
        for (MuxStream stream : streams) {
            if (!stream.isClosed() && ended.test(stream)) {
                // Cut, not only reset: the visitor's exchange or relay on it learns of it and answers or closes at
                // once.
                stream.cut(ResetCode.FORBIDDEN, reason);
                count++;
            }
        }
        streams.removeIf(MuxStream::isClosed);
        return count;
    }
}
