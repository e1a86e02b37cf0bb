package dev.porthole.protocol.mux;

import dev.porthole.protocol.frame.ProtocolError;
import dev.porthole.protocol.frame.ProtocolException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A connection's open streams by id, and the rules for ids: each side opens ids of its own parity
 * ({@link MuxSession.Role}), each above the last, and never twice. Confined to the session's
 * context, except for the counts, which are readable from anywhere.
 */
final class StreamTable {

    private final MuxSession.Role role;
    /** Made when the first stream opens: an idle session holds no map (docs/performance.md). */
    private Map<Integer, MuxStream> streams;

    private int nextLocalId;
    private int highestPeerId;
    /** Written on the context only; read from anywhere for statistics. */
    private volatile long openedHere;
    /** The size of {@code streams}, written on the context only; read from anywhere for statistics. */
    private volatile int size;

    StreamTable(MuxSession.Role role) {
        this.role = role;
        this.nextLocalId = role.firstStreamId();
    }

    /** Takes the next id this side opens a stream with; -1 once the ids are used up. */
    int takeLocalId() {
        int id = nextLocalId;
        if (id < 0) {
            return -1;
        }
        nextLocalId += 2;
        openedHere++;
        return id;
    }

    /** Checks that the peer may open a stream with {@code id}, and remembers it as the peer's last. */
    void acceptPeerId(int id) throws ProtocolException {
        if (role.opened(id)) {
            throw new ProtocolException(
                    ProtocolError.BAD_STREAM_ID,
                    "OPEN on stream " + Integer.toUnsignedLong(id) + ", an id this side hands out");
        }
        if (Integer.compareUnsigned(id, highestPeerId) <= 0) {
            throw new ProtocolException(
                    ProtocolError.BAD_STREAM_ID,
                    "OPEN on stream " + Integer.toUnsignedLong(id) + ", not above the last opened "
                            + Integer.toUnsignedLong(highestPeerId));
        }
        highestPeerId = id;
    }

    /** Whether a stream with this id was ever opened, by either side (it may be closed now). */
    boolean everOpened(int id) {
        return role.opened(id) ? openedLocally(id) : Integer.compareUnsigned(id, highestPeerId) <= 0;
    }

    /** Whether this side opened a stream with this id (it may be closed now). */
    boolean openedLocally(int id) {
        return role.opened(id) && Integer.compareUnsigned(id, nextLocalId) < 0;
    }

    MuxStream get(int id) {
        return streams == null ? null : streams.get(id);
    }

    boolean contains(int id) {
        return streams != null && streams.containsKey(id);
    }

    void put(int id, MuxStream stream) {
        if (streams == null) {
            streams = new HashMap<>();
        }
        streams.put(id, stream);
        size = streams.size();
    }

    void remove(int id) {
        if (streams == null) {
            return;
        }
        streams.remove(id);
        size = streams.size();
    }

    /** Removes the stream if it is the one under its id; whether it was. */
    boolean remove(MuxStream stream) {
        if (streams == null) {
            return false;
        }
        boolean removed = streams.remove(stream.id(), stream);
        size = streams.size();
        return removed;
    }

    /** Empties the table; the streams that were open. */
    List<MuxStream> clear() {
        if (streams == null) {
            return List.of();
        }
        List<MuxStream> open = new ArrayList<>(streams.values());
        streams.clear();
        size = 0;
        return open;
    }

    /** Open streams, readable from any thread. */
    int size() {
        return size;
    }

    /** Streams this side opened so far, readable from any thread. */
    long openedHere() {
        return openedHere;
    }
}
