package dev.porthole.protocol.mux;

import dev.porthole.protocol.frame.ProtocolException;
import dev.porthole.protocol.message.HttpRequestHead;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A gateway session whose agent is played by hand-made frames ({@link PeerFrames}), with what it
 * sends recorded ({@link RecordingTransport}): for tests of the streams it opens.
 */
final class HandDrivenGateway implements AutoCloseable {

    static final int WINDOW = 8 * 1024;

    final Vertx vertx = Vertx.vertx();
    final RecordingTransport out = new RecordingTransport();
    final MuxSession session = new MuxSession(
                    vertx.getOrCreateContext(),
                    out,
                    new MuxSettings(16 * 1024, WINDOW, WINDOW, 2, WINDOW),
                    MuxSession.Role.GATEWAY)
            .listener(PeerFrames.listener(stream -> {}, new CopyOnWriteArrayList<>()));
    final PeerFrames peer = new PeerFrames(session);

    HandDrivenGateway() throws ProtocolException {
        session.peerLimits(WINDOW, 16 * 1024);
    }

    /** Opens an HTTP stream with {@code method} towards the peer, on the session's context. */
    MuxStream open(String method) throws Exception {
        Promise<MuxStream> opened = Promise.promise();
        session.context()
                .runOnContext(v -> opened.complete(
                        session.openStream("t", "1.2.3.4", new HttpRequestHead(method, "/", List.of()))));
        return opened.future().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    /** Every frame queued so far has been handled: the session's context ran a task queued after them. */
    void settle() throws Exception {
        Promise<Void> done = Promise.promise();
        session.context().runOnContext(v -> done.complete());
        done.future().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }
}
