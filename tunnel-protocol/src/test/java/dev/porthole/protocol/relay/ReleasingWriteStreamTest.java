package dev.porthole.protocol.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.porthole.protocol.buffer.Ownership;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A pooled buffer written through a {@link ReleasingWriteStream} reaches the destination as it is
 * (no copy) and is released exactly once, when the destination's write has completed, failed or
 * refused it by throwing: never before, or the socket would send freed memory.
 */
class ReleasingWriteStreamTest {

    /** Holds each write's promise for the test to complete; can refuse writes by throwing, as an ended response does. */
    private static final class HeldWrites extends ForwardingWriteStream {
        final List<Buffer> written = new ArrayList<>();
        final List<Promise<Void>> pending = new ArrayList<>();
        boolean ended;
        boolean refuses;

        HeldWrites() {
            super(null);
        }

        @Override
        public Future<Void> write(Buffer data) {
            return held(data);
        }

        @Override
        public Future<Void> end(Buffer data) {
            ended = true;
            return held(data);
        }

        private Future<Void> held(Buffer data) {
            if (refuses) {
                throw new IllegalStateException("Response has already been written");
            }
            written.add(data);
            Promise<Void> promise = Promise.promise();
            pending.add(promise);
            return promise.future();
        }
    }

    private final HeldWrites destination = new HeldWrites();
    private final ReleasingWriteStream stream = new ReleasingWriteStream(destination);

    private static ByteBuf pooled(String text) {
        ByteBuf buffer = PooledByteBufAllocator.DEFAULT.directBuffer();
        buffer.writeCharSequence(text, StandardCharsets.US_ASCII);
        return buffer;
    }

    @Test
    void theBufferItselfIsWrittenAndReleasedOnlyOnceTheWriteCompleted() {
        ByteBuf chunk = pooled("chunk");
        Future<Void> written = stream.write(Ownership.wrap(chunk));

        assertThat(Ownership.byteBuf(destination.written.getFirst()))
                .as("no copy")
                .isSameAs(chunk);
        assertThat(chunk.refCnt()).as("still being written").isEqualTo(1);
        destination.pending.getFirst().complete();
        assertThat(written.succeeded()).isTrue();
        assertThat(chunk.refCnt()).isZero();
    }

    @Test
    void aFailedWriteReleasesTheBufferAndReportsTheFailure() {
        ByteBuf chunk = pooled("chunk");
        Future<Void> written = stream.write(Ownership.wrap(chunk));

        destination.pending.getFirst().fail("connection reset");
        assertThat(written.cause()).hasMessage("connection reset");
        assertThat(chunk.refCnt()).isZero();
    }

    @Test
    void theLastChunkGoesWithTheEndInOneCallAndIsReleasedAfterIt() {
        ByteBuf last = pooled("last");
        Future<Void> ended = stream.end(Ownership.wrap(last));

        assertThat(destination.ended).isTrue();
        assertThat(last.refCnt()).isEqualTo(1);
        destination.pending.getFirst().complete();
        assertThat(ended.succeeded()).isTrue();
        assertThat(last.refCnt()).isZero();
    }

    @Test
    void aWriteTheDestinationRefusesByThrowingStillReleasesTheBuffer() {
        destination.refuses = true;
        ByteBuf chunk = pooled("too late");

        assertThatThrownBy(() -> stream.write(Ownership.wrap(chunk))).hasMessageContaining("already been written");
        assertThat(chunk.refCnt()).isZero();
        ByteBuf last = pooled("too late");
        assertThatThrownBy(() -> stream.end(Ownership.wrap(last))).hasMessageContaining("already been written");
        assertThat(last.refCnt()).isZero();
    }
}
