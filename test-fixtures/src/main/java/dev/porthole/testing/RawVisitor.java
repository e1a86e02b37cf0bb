package dev.porthole.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * A visitor that writes raw bytes on a socket, as no browser would, and reads whatever comes back
 * until the gateway closes the connection or stays silent for a while.
 */
public final class RawVisitor {

    /** What a raw exchange saw: the bytes (ISO-8859-1), whether the gateway closed the connection, and how long it took. */
    public record Answer(String text, boolean closed, Duration took) {
        /** The status of the first response. */
        public int status() {
            if (!text.startsWith("HTTP/1.")) {
                throw new AssertionError("not an HTTP answer: '" + text + "'");
            }
            return Integer.parseInt(text.substring(9, 12));
        }
    }

    private RawVisitor() {}

    /** Sends {@code raw} and reads until the connection closes or {@code silence} passes without a byte. */
    public static Answer exchange(int port, String raw, Duration silence) throws IOException {
        long start = System.nanoTime();
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout((int) silence.toMillis());
            socket.getOutputStream().write(raw.getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
            ByteArrayOutputStream received = new ByteArrayOutputStream();
            InputStream in = socket.getInputStream();
            byte[] buffer = new byte[8192];
            boolean closed = false;
            try {
                for (int n; (n = in.read(buffer)) >= 0; ) {
                    received.write(buffer, 0, n);
                }
                closed = true;
            } catch (SocketTimeoutException e) {
                // The connection stayed open: what arrived so far is the answer.
            } catch (IOException reset) {
                // Reset by the gateway: closed as well.
                closed = true;
            }
            return new Answer(
                    received.toString(StandardCharsets.ISO_8859_1),
                    closed,
                    Duration.ofNanos(System.nanoTime() - start));
        }
    }
}
