package dev.porthole.e2e.support;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/** A UDP echo server on loopback for a test class: answers every datagram with "echo:" and its payload, to whoever sent it. */
public final class UdpEcho implements AutoCloseable {

    private final DatagramSocket socket;

    private UdpEcho(DatagramSocket socket) {
        this.socket = socket;
    }

    /** Binds a free port on 127.0.0.1 and answers on a virtual thread until {@link #close()}. */
    public static UdpEcho start() throws IOException {
        UdpEcho echo = new UdpEcho(new DatagramSocket(new InetSocketAddress("127.0.0.1", 0)));
        Thread.ofVirtual().start(echo::answerEveryDatagram);
        return echo;
    }

    public int port() {
        return socket.getLocalPort();
    }

    private void answerEveryDatagram() {
        byte[] buffer = new byte[65536];
        try {
            while (true) {
                DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
                socket.receive(packet);
                byte[] answer = ("echo:" + new String(packet.getData(), 0, packet.getLength(), StandardCharsets.UTF_8))
                        .getBytes(StandardCharsets.UTF_8);
                socket.send(new DatagramPacket(answer, answer.length, packet.getSocketAddress()));
            }
        } catch (IOException closed) {
            // The socket closed at the end of the class.
        }
    }

    @Override
    public void close() {
        socket.close();
    }
}
