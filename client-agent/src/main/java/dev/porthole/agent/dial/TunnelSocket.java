package dev.porthole.agent.dial;

import dev.porthole.protocol.message.ResetCode;
import dev.porthole.protocol.mux.MuxStream;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.util.ArrayDeque;
import java.util.concurrent.ExecutionException;

/**
 * A connection to a private tunnel as blocking streams, like a {@link java.net.Socket}: reads wait
 * for bytes, writes wait until the bytes are on their way (the tunnel's flow control paces them),
 * {@link #shutdownOutput()} half-closes. At most {@link #READ_BUFFER} bytes wait unread; beyond that
 * the far side is paused.
 */
public final class TunnelSocket implements Closeable {

    /** Bytes received but not read yet before the stream is paused. */
    public static final int READ_BUFFER = 256 * 1024;

    private final MuxStream stream;
    private final ArrayDeque<Buffer> received = new ArrayDeque<>();
    private final Input input = new Input();
    private final Output output = new Output();
    private int buffered;
    private boolean ended;
    private boolean paused;
    private Throwable failure;
    private boolean outputShut;
    /** Who {@link #close()} names in the reset the far side sees. */
    private final String closer;

    TunnelSocket(MuxStream stream) {
        this(stream, "the dialer");
    }

    /**
     * Blocking streams over {@code stream}, a stream of the tunnel (one the gateway opened for a
     * visitor, for {@link dev.porthole.agent.api.PortholeListener#accept()}).
     *
     * @param closer who closes it, for the reset a premature {@link #close()} sends ({@code the application})
     */
    public TunnelSocket(MuxStream stream, String closer) {
        this.stream = stream;
        this.closer = closer;
        stream.exceptionHandler(this::onFailure);
        stream.endHandler(ignored -> onEnd());
        stream.handler(this::onData);
    }

    /** Where the stream comes from as its OPEN says: the visitor's address ({@code 203.0.113.7:51234}) for a stream the gateway opened. */
    public String source() {
        return stream.open() == null ? "" : stream.open().source();
    }

    public InputStream getInputStream() {
        return input;
    }

    public OutputStream getOutputStream() {
        return output;
    }

    /** Sends FIN: the far side reads to its end, and may still answer. */
    public void shutdownOutput() throws IOException {
        synchronized (this) {
            if (outputShut) {
                return;
            }
            outputShut = true;
        }
        await(stream.end());
    }

    /** Ends the connection; if the far side has not finished, it is reset. */
    @Override
    public void close() {
        synchronized (this) {
            if (ended && outputShut) {
                return;
            }
            ended = true;
            outputShut = true;
            notifyAll();
        }
        stream.reset(ResetCode.CANCEL, "closed by " + closer);
    }

    private synchronized void onData(Buffer data) {
        received.add(data);
        buffered += data.length();
        if (buffered >= READ_BUFFER && !paused) {
            paused = true;
            stream.pause();
        }
        notifyAll();
    }

    private synchronized void onEnd() {
        ended = true;
        notifyAll();
    }

    private synchronized void onFailure(Throwable cause) {
        failure = cause;
        notifyAll();
    }

    private static void await(Future<Void> future) throws IOException {
        try {
            future.toCompletionStage().toCompletableFuture().get();
        } catch (ExecutionException e) {
            throw new IOException(e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted");
        }
    }

    private final class Input extends InputStream {
        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] target, int offset, int length) throws IOException {
            if (length == 0) {
                return 0;
            }
            synchronized (TunnelSocket.this) {
                while (received.isEmpty()) {
                    if (failure != null) {
                        throw new IOException(failure.getMessage(), failure);
                    }
                    if (ended) {
                        return -1;
                    }
                    try {
                        TunnelSocket.this.wait();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new InterruptedIOException("interrupted");
                    }
                }
                Buffer head = received.peek();
                int n = Math.min(length, head.length());
                head.getBytes(0, n, target, offset);
                if (n == head.length()) {
                    received.poll();
                } else {
                    received.poll();
                    received.addFirst(head.slice(n, head.length()));
                }
                buffered -= n;
                if (paused && buffered < READ_BUFFER / 2) {
                    paused = false;
                    stream.resume();
                }
                return n;
            }
        }
    }

    private final class Output extends OutputStream {
        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] source, int offset, int length) throws IOException {
            synchronized (TunnelSocket.this) {
                if (failure != null) {
                    throw new IOException(failure.getMessage(), failure);
                }
                if (outputShut) {
                    throw new IOException("output is shut down");
                }
            }
            await(stream.write(Buffer.buffer(java.util.Arrays.copyOfRange(source, offset, offset + length))));
        }
    }
}
