package dev.porthole.protocol.buffer;

import io.netty.buffer.ByteBuf;
import io.netty.util.ReferenceCountUtil;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.buffer.impl.BufferImpl;

/**
 * Who frees a buffer's memory on the data path. Bytes read from a socket arrive in Netty's pooled,
 * reference-counted direct buffers; Vert.x normally copies each read into a heap buffer and frees
 * it, and copies it back into direct memory to write it. A relay skips both copies by handing the
 * read buffer itself along, and then exactly one holder releases it:
 * <ul>
 *   <li>{@code MuxStream.write(Buffer)} and a relay socket's sink take
 *       over what they are given: they release it once it has been written or dropped.</li>
 *   <li>Buffers that Vert.x allocates (every {@code Buffer.buffer(...)}, every chunk its HTTP and
 *       WebSocket code hands out) are heap buffers whose release does nothing, so handing them over
 *       the same way is harmless.</li>
 * </ul>
 */
public final class Ownership {

    private Ownership() {}

    /** Wraps a reference-counted buffer without copying; whoever takes the result takes over the reference. */
    public static Buffer wrap(ByteBuf buffer) {
        return Buffer.buffer(buffer);
    }

    /**
     * The Netty buffer a Vert.x buffer stands on, with its reference count (not Vert.x's
     * {@code getByteBuf()}, which hides a pooled buffer behind a wrapper that ignores releases).
     */
    public static ByteBuf byteBuf(Buffer buffer) {
        return buffer instanceof BufferImpl impl ? impl.byteBuf() : buffer.getByteBuf();
    }

    /**
     * The bytes of {@code buffer} in a Vert.x heap buffer, for a reader that does not release what it
     * is given: a pooled buffer is copied and released, a heap buffer passes as it is.
     */
    public static Buffer onHeap(Buffer buffer) {
        if (!byteBuf(buffer).isDirect()) {
            return buffer;
        }
        Buffer copy = heapCopy(buffer);
        release(buffer);
        return copy;
    }

    /** A copy in a Vert.x heap buffer ({@code Buffer.copy()} would allocate from the original's pool). */
    public static Buffer heapCopy(Buffer buffer) {
        return Buffer.buffer(buffer.length()).appendBuffer(buffer);
    }

    /** Gives up the reference held through {@code buffer}; nothing for a Vert.x heap buffer. */
    public static void release(Buffer buffer) {
        ReferenceCountUtil.safeRelease(byteBuf(buffer));
    }
}
