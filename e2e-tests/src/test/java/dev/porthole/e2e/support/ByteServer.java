package dev.porthole.e2e.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/** A plain TCP upstream for tests (one virtual thread per connection), with the behaviours the TCP tests need. */
public final class ByteServer implements AutoCloseable {

    /** What to do with one accepted connection. */
    @FunctionalInterface
    public interface Behaviour {
        void serve(Socket socket) throws IOException;
    }

    private final ServerSocket server;
    private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();

    private ByteServer(InetAddress bind, Behaviour behaviour) throws IOException {
        this.server = new ServerSocket(0, 1024, bind);
        threads.submit(() -> {
            while (!server.isClosed()) {
                Socket socket;
                try {
                    socket = server.accept();
                } catch (IOException e) {
                    return;
                }
                threads.submit(() -> {
                    try (socket) {
                        behaviour.serve(socket);
                    } catch (IOException e) {
                        // The visitor went away; nothing to report.
                    }
                    return null;
                });
            }
        });
    }

    public static ByteServer start(InetAddress bind, Behaviour behaviour) throws IOException {
        return new ByteServer(bind, behaviour);
    }

    /** Sends back every byte; answers the peer's FIN with its own once everything is echoed. */
    public static void echo(Socket socket) throws IOException {
        socket.getInputStream().transferTo(socket.getOutputStream());
        socket.shutdownOutput();
    }

    /** Reads to the peer's FIN, then answers {@code <count> <sha256 hex>}: proves half-close and integrity. */
    public static void digest(Socket socket) throws IOException {
        MessageDigest digest = sha256();
        long count = 0;
        byte[] buffer = new byte[256 * 1024];
        InputStream in = socket.getInputStream();
        int read;
        while ((read = in.read(buffer)) >= 0) {
            digest.update(buffer, 0, read);
            count += read;
        }
        socket.getOutputStream()
                .write((count + " " + HexFormat.of().formatHex(digest.digest())).getBytes(StandardCharsets.US_ASCII));
        socket.shutdownOutput();
    }

    /** Writes deterministic bytes forever (until the peer goes away). */
    public static void endless(Socket socket) throws IOException {
        OutputStream out = socket.getOutputStream();
        byte[] block = pattern(64 * 1024);
        while (true) {
            out.write(block);
        }
    }

    /** The bytes {@link #endless} and the test clients send: 0, 1, ... 250 repeated. */
    public static byte[] pattern(int size) {
        byte[] block = new byte[size];
        for (int i = 0; i < size; i++) {
            block[i] = (byte) (i % 251);
        }
        return block;
    }

    public static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public int port() {
        return server.getLocalPort();
    }

    @Override
    public void close() throws IOException {
        server.close();
        threads.shutdownNow();
    }
}
