package dev.porthole.e2e.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP proxy on loopback between an agent and its gateway that can stall: while stalled it stops
 * moving bytes in both directions but keeps every connection open, as a dead NAT entry or a
 * blackholed route does. The kernel sees nothing wrong; only the heartbeat can tell.
 */
public final class StallingProxy implements AutoCloseable {

    private final ServerSocket server;
    private final int target;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final Object gate = new Object();
    private boolean stalled;

    public StallingProxy(int target) {
        this.target = target;
        try {
            this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the proxy", e);
        }
        Thread acceptor = new Thread(this::accept, "stalling-proxy-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public int port() {
        return server.getLocalPort();
    }

    /** From now on no byte moves; connections stay open. */
    public void stall() {
        synchronized (gate) {
            stalled = true;
        }
    }

    /** Bytes move again (new connections too). */
    public void resume() {
        synchronized (gate) {
            stalled = false;
            gate.notifyAll();
        }
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                Socket upstream = new Socket(InetAddress.getLoopbackAddress(), target);
                sockets.add(client);
                sockets.add(upstream);
                pump(client, upstream, "up");
                pump(upstream, client, "down");
            } catch (IOException e) {
                // Closed, or the target refused: the client's socket is dropped with it.
            }
        }
    }

    private void pump(Socket from, Socket to, String direction) {
        Thread thread = new Thread(
                () -> {
                    byte[] buffer = new byte[16 * 1024];
                    try (InputStream in = from.getInputStream();
                            OutputStream out = to.getOutputStream()) {
                        for (int n; (n = in.read(buffer)) >= 0; ) {
                            awaitFlowing();
                            out.write(buffer, 0, n);
                        }
                    } catch (IOException | InterruptedException e) {
                        // One side closed: close both.
                    }
                    closeQuietly(from);
                    closeQuietly(to);
                },
                "stalling-proxy-" + direction);
        thread.setDaemon(true);
        thread.start();
    }

    private void awaitFlowing() throws InterruptedException {
        synchronized (gate) {
            while (stalled) {
                gate.wait();
            }
        }
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // Already closed.
        }
    }

    @Override
    public void close() {
        resume();
        try {
            server.close();
        } catch (IOException e) {
            // Already closed.
        }
        sockets.forEach(StallingProxy::closeQuietly);
    }
}
