package dev.porthole.gateway.support;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An HTTP/2 client that writes frames as they are given, however abusive (h2c with prior knowledge),
 * and records every frame the server sends; what a well-behaved client library would refuse to do.
 * Header blocks use HPACK literals without indexing, which every decoder takes.
 */
public final class RawH2Connection implements AutoCloseable {

    public static final int DATA = 0x0, HEADERS = 0x1, RST_STREAM = 0x3, SETTINGS = 0x4, PING = 0x6, GOAWAY = 0x7;
    public static final int END_STREAM = 0x1, END_HEADERS = 0x4, ACK = 0x1;
    public static final int REFUSED_STREAM = 0x7, CANCEL = 0x8, ENHANCE_YOUR_CALM = 0xb;
    private static final byte[] PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    /** One frame the server sent. */
    public record Frame(int type, int flags, int stream, byte[] payload) {
        /** The error code of a RST_STREAM, or of a GOAWAY. */
        public int errorCode() {
            ByteBuffer bytes = ByteBuffer.wrap(payload);
            return type == GOAWAY ? bytes.getInt(4) : bytes.getInt(0);
        }

        /** A SETTINGS frame's value for {@code id}, or -1. */
        public long setting(int id) {
            ByteBuffer bytes = ByteBuffer.wrap(payload);
            for (int at = 0; at + 6 <= payload.length; at += 6) {
                if (bytes.getShort(at) == id) {
                    return Integer.toUnsignedLong(bytes.getInt(at + 2));
                }
            }
            return -1;
        }
    }

    public final List<Frame> received = new CopyOnWriteArrayList<>();
    /** Completes when the server closed the connection (EOF or reset). */
    public final CompletableFuture<Void> closed = new CompletableFuture<>();

    private final Socket socket;
    private final OutputStream out;

    private RawH2Connection(Socket socket) throws IOException {
        this.socket = socket;
        this.out = socket.getOutputStream();
    }

    /** Connects, sends the preface and an empty SETTINGS, and acknowledges the server's SETTINGS as they come. */
    public static RawH2Connection open(int port) throws IOException {
        return open(port, 0);
    }

    /**
     * As {@link #open(int)}, but when {@code receiveBuffer} > 0 a peer that never reads what the server
     * sends, with a receive buffer that small: the server's writes back up at once.
     */
    public static RawH2Connection open(int port, int receiveBuffer) throws IOException {
        Socket socket = new Socket();
        if (receiveBuffer > 0) {
            socket.setReceiveBufferSize(receiveBuffer);
        }
        socket.connect(new InetSocketAddress("127.0.0.1", port));
        RawH2Connection connection = new RawH2Connection(socket);
        connection.send(PREFACE);
        connection.frame(SETTINGS, 0, 0, new byte[0]);
        // Only now the reader, which acknowledges the server's SETTINGS: an ACK that went out between the
        // preface and this side's own SETTINGS would be a protocol error the server closes the connection for.
        if (receiveBuffer <= 0) {
            Thread.ofPlatform().daemon().start(connection::read);
        }
        return connection;
    }

    /** HEADERS for a request on {@code stream}: the pseudo-headers, then {@code headers}. */
    public void request(
            int stream, String method, String authority, String path, Map<String, String> headers, boolean endStream)
            throws IOException {
        ByteBuffer block = ByteBuffer.allocate(4096);
        literal(block, ":method", method);
        literal(block, ":scheme", "http");
        literal(block, ":authority", authority);
        literal(block, ":path", path);
        headers.forEach((name, value) -> literal(block, name, value));
        byte[] bytes = new byte[block.position()];
        block.flip().get(bytes);
        frame(HEADERS, END_HEADERS | (endStream ? END_STREAM : 0), stream, bytes);
    }

    public void reset(int stream, int code) throws IOException {
        frame(RST_STREAM, 0, stream, ByteBuffer.allocate(4).putInt(code).array());
    }

    public void ping(long data) throws IOException {
        frame(PING, 0, 0, ByteBuffer.allocate(8).putLong(data).array());
    }

    public void frame(int type, int flags, int stream, byte[] payload) throws IOException {
        ByteBuffer frame = ByteBuffer.allocate(9 + payload.length);
        frame.put((byte) (payload.length >>> 16))
                .put((byte) (payload.length >>> 8))
                .put((byte) payload.length);
        frame.put((byte) type).put((byte) flags).putInt(stream & 0x7fffffff).put(payload);
        send(frame.array());
    }

    /** {@code count} copies of one frame on stream 0, in one write. */
    public void frames(int type, byte[] payload, int count) throws IOException {
        ByteBuffer frames = ByteBuffer.allocate(count * (9 + payload.length));
        for (int i = 0; i < count; i++) {
            frames.put((byte) (payload.length >>> 16))
                    .put((byte) (payload.length >>> 8))
                    .put((byte) payload.length);
            frames.put((byte) type).put((byte) 0).putInt(0).put(payload);
        }
        send(frames.array());
    }

    /** The frames of {@code type} received so far. */
    public List<Frame> frames(int type) {
        return received.stream().filter(frame -> frame.type() == type).toList();
    }

    private synchronized void send(byte[] bytes) throws IOException {
        out.write(bytes);
    }

    private static void literal(ByteBuffer block, String name, String value) {
        block.put((byte) 0x00);
        string(block, name);
        string(block, value);
    }

    private static void string(ByteBuffer block, String text) {
        byte[] bytes = text.getBytes(StandardCharsets.ISO_8859_1);
        if (bytes.length >= 127) {
            throw new IllegalArgumentException("keep test header names and values under 127 bytes");
        }
        block.put((byte) bytes.length).put(bytes);
    }

    private void read() {
        try (DataInputStream in = new DataInputStream(socket.getInputStream())) {
            while (true) {
                int length = in.readUnsignedByte() << 16 | in.readUnsignedByte() << 8 | in.readUnsignedByte();
                int type = in.readUnsignedByte();
                int flags = in.readUnsignedByte();
                int stream = in.readInt() & 0x7fffffff;
                byte[] payload = in.readNBytes(length);
                if (type == SETTINGS && (flags & ACK) == 0) {
                    // Acknowledged before it is recorded: a test that saw the SETTINGS may rely on them being in force.
                    frame(SETTINGS, ACK, 0, new byte[0]);
                }
                received.add(new Frame(type, flags, stream, payload));
            }
        } catch (IOException e) {
            // EOF or a reset: the server closed the connection (or we did).
        } finally {
            closed.complete(null);
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
