package dev.porthole.e2e.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;

/**
 * An agent's WebSocket upgrade request sent by hand on a new connection, so a test can set headers
 * an agent would not (X-Forwarded-For) and read the gateway's answer: 101, or the refusal's status,
 * {@code Retry-After} and sentence. The connection is closed right after the answer's head (and body).
 */
public final class AgentHandshake {

    private static final int SO_TIMEOUT_MILLIS = 10_000;

    private final int port;

    public AgentHandshake(int port) {
        this.port = port;
    }

    /** The gateway's answer to an upgrade request. */
    public record Answer(int status, long retryAfter, String body) {}

    /** An upgrade with {@code Authorization: Basic clientId:secret}, sent with {@code X-Forwarded-For: forwardedFor}. */
    public Answer basic(String clientId, String secret, String forwardedFor) {
        String credentials =
                Base64.getEncoder().encodeToString((clientId + ":" + secret).getBytes(StandardCharsets.UTF_8));
        return upgrade("Authorization: Basic " + credentials + "\r\nX-Porthole-Client: " + clientId
                + "\r\nX-Forwarded-For: " + forwardedFor + "\r\n");
    }

    private Answer upgrade(String extraHeaders) {
        String key = Base64.getEncoder().encodeToString("porthole-e2e-key".getBytes(StandardCharsets.US_ASCII));
        String request = "GET /_porthole/agent HTTP/1.1\r\nHost: 127.0.0.1:" + port
                + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" + "Sec-WebSocket-Key: " + key
                + "\r\nSec-WebSocket-Version: 13\r\nX-Porthole-Agent: e2e-handshake\r\n" + extraHeaders + "\r\n";
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(SO_TIMEOUT_MILLIS);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.UTF_8));
            socket.getOutputStream().flush();
            InputStream in = socket.getInputStream();
            String head = readHead(in);
            String[] lines = head.split("\r\n");
            int status = Integer.parseInt(lines[0].split(" ")[1]);
            long retryAfter = 0;
            int length = 0;
            for (String line : lines) {
                String lower = line.toLowerCase(Locale.ROOT);
                if (lower.startsWith("retry-after:")) {
                    retryAfter = Long.parseLong(line.substring(12).trim());
                } else if (lower.startsWith("content-length:")) {
                    length = Integer.parseInt(line.substring(15).trim());
                }
            }
            String body = status == 101 ? "" : new String(in.readNBytes(length), StandardCharsets.UTF_8);
            return new Answer(status, retryAfter, body);
        } catch (IOException e) {
            throw new UncheckedIOException("agent handshake with 127.0.0.1:" + port + " failed", e);
        }
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        byte[] end = {'\r', '\n', '\r', '\n'};
        while (matched < end.length) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("the gateway closed the connection before the end of its answer's head: " + head);
            }
            head.write(b);
            matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }
}
