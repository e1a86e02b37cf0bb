package dev.porthole.gateway.dial;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * A client that uses the gateway as an HTTP proxy over a socket it is given (plain or TLS): sends
 * {@code CONNECT}, reads the answer's head, and then, when it was 200, talks through the tunnel.
 */
final class ProxyVisitor implements AutoCloseable {

    private final Socket socket;
    private final String head;

    private ProxyVisitor(Socket socket, String head) {
        this.socket = socket;
        this.head = head;
    }

    /** {@code Proxy-Authorization} with a bearer token. */
    static String bearer(String token) {
        return "Bearer " + token;
    }

    /** {@code Proxy-Authorization} as curl's {@code -U user:password} sends it. */
    static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    /** Sends {@code CONNECT target} with the given authorization (none when null) and reads the answer's head. */
    static ProxyVisitor connect(Socket socket, String target, String authorization) throws IOException {
        socket.setSoTimeout(10_000);
        StringBuilder request = new StringBuilder("CONNECT " + target + " HTTP/1.1\r\nHost: " + target + "\r\n");
        if (authorization != null) {
            request.append("Proxy-Authorization: ").append(authorization).append("\r\n");
        }
        request.append("\r\n");
        socket.getOutputStream().write(request.toString().getBytes(StandardCharsets.US_ASCII));
        InputStream in = socket.getInputStream();
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        // Byte by byte up to the blank line: whatever follows belongs to the tunnel (or to the error body).
        while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            head.write(b);
        }
        return new ProxyVisitor(socket, head.toString(StandardCharsets.ISO_8859_1));
    }

    int status() {
        String[] parts = head.split(" ", 3);
        return parts.length < 2 ? -1 : Integer.parseInt(parts[1]);
    }

    String head() {
        return head;
    }

    /** The value of a header of the answer (the first one), or null. */
    String header(String name) {
        return head.lines()
                .skip(1)
                .filter(line -> line.regionMatches(true, 0, name + ":", 0, name.length() + 1))
                .map(line -> line.substring(name.length() + 1).trim())
                .findFirst()
                .orElse(null);
    }

    /** All values of a header of the answer. */
    java.util.List<String> headers(String name) {
        return head.lines()
                .skip(1)
                .filter(line -> line.regionMatches(true, 0, name + ":", 0, name.length() + 1))
                .map(line -> line.substring(name.length() + 1).trim())
                .toList();
    }

    /** The rest of what the gateway sends until it closes: an error's body, or what came through the tunnel. */
    String rest() throws IOException {
        return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }

    /** Sends a message through the tunnel, half-closes, and reads the answer to its end. */
    String exchange(String message) throws IOException {
        socket.getOutputStream().write(message.getBytes(StandardCharsets.UTF_8));
        socket.shutdownOutput();
        return rest();
    }

    /** Sends a message through the tunnel and reads as many bytes back (an echo), leaving the tunnel open. */
    String echo(String message) throws IOException {
        byte[] bytes = message.getBytes(StandardCharsets.UTF_8);
        socket.getOutputStream().write(bytes);
        socket.getOutputStream().flush();
        return new String(socket.getInputStream().readNBytes(bytes.length), StandardCharsets.UTF_8);
    }

    Socket socket() {
        return socket;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
