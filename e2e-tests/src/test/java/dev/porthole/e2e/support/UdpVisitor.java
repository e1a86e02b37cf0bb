package dev.porthole.e2e.support;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** A visitor of a UDP tunnel: its own socket on 127.0.0.1 sending text datagrams to a loopback port and reading the answers. */
public final class UdpVisitor implements AutoCloseable {

    private final DatagramSocket socket;

    private UdpVisitor(DatagramSocket socket) {
        this.socket = socket;
    }

    /** Binds a free port on 127.0.0.1; {@link #receive()} waits at most {@code timeout}. */
    public static UdpVisitor open(Duration timeout) throws IOException {
        DatagramSocket socket = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
        socket.setSoTimeout((int) timeout.toMillis());
        return new UdpVisitor(socket);
    }

    /** Sends {@code text} as one datagram to {@code port} on 127.0.0.1. */
    public void send(int port, String text) throws IOException {
        byte[] payload = text.getBytes(StandardCharsets.UTF_8);
        socket.send(new DatagramPacket(payload, payload.length, new InetSocketAddress("127.0.0.1", port)));
    }

    /** The next datagram's text; {@link SocketTimeoutException} when none comes within the timeout. */
    public String receive() throws IOException {
        DatagramPacket packet = new DatagramPacket(new byte[65536], 65536);
        socket.receive(packet);
        return new String(packet.getData(), 0, packet.getLength(), StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        socket.close();
    }
}
