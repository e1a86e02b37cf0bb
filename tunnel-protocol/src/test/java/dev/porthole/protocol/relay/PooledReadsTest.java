package dev.porthole.protocol.relay;

import static org.assertj.core.api.Assertions.assertThat;

import dev.porthole.protocol.buffer.Ownership;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A socket's reads handed on as Netty made them: what the reader gets is the read buffer itself,
 * nothing is delivered without demand, the FIN comes after every byte, and what is still held when
 * the socket closes is released.
 */
class PooledReadsTest {

    private final EmbeddedChannel channel = new EmbeddedChannel();
    private final PooledReads reads = new PooledReads(channel);
    private final List<Buffer> delivered = new ArrayList<>();
    private final List<String> events = new ArrayList<>();

    @Test
    void theReaderGetsTheReadBufferItselfOnlyWhenItAsksAndInOrder() {
        assertThat(channel.config().isAutoRead())
                .as("nothing is read before the reader is there")
                .isFalse();
        ByteBuf first = read("first");
        reads.onRead(first);
        reads.handler(this::record);
        assertThat(delivered).isEmpty();

        reads.fetch(1);
        assertThat(delivered).hasSize(1);
        assertThat(Ownership.byteBuf(delivered.getFirst())).as("no copy").isSameAs(first);
        assertThat(channel.config().isAutoRead())
                .as("demand used up: reading stops")
                .isFalse();

        reads.onRead(read("second"));
        reads.onRead(read("third"));
        assertThat(events).containsExactly("first");
        reads.resume();
        assertThat(events).containsExactly("first", "second", "third");
        assertThat(channel.config().isAutoRead()).isTrue();
        release();
    }

    @Test
    void theFinComesAfterTheBytesHeldForAPausedReader() {
        reads.handler(this::record);
        reads.endHandler(ignored -> events.add("end"));
        reads.resume();
        reads.pause();
        assertThat(channel.config().isAutoRead()).isFalse();
        reads.onRead(read("held"));
        reads.onFin();
        assertThat(events).isEmpty();
        reads.resume();
        assertThat(events).containsExactly("held", "end");
        release();
    }

    @Test
    void whatIsHeldWhenTheSocketClosesIsReleasedAndLaterReadsToo() {
        ByteBuf held = read("held");
        reads.onRead(held);
        reads.onClosed();
        assertThat(held.refCnt()).isZero();

        ByteBuf late = read("late");
        reads.handler(this::record);
        reads.resume();
        reads.onRead(late);
        assertThat(late.refCnt()).isZero();
        assertThat(delivered).isEmpty();
    }

    private void record(Buffer data) {
        delivered.add(data);
        events.add(data.toString(StandardCharsets.US_ASCII));
    }

    private void release() {
        delivered.forEach(Ownership::release);
        assertThat(delivered)
                .allSatisfy(data -> assertThat(Ownership.byteBuf(data).refCnt()).isZero());
    }

    private static ByteBuf read(String text) {
        ByteBuf buffer = PooledByteBufAllocator.DEFAULT.directBuffer();
        buffer.writeCharSequence(text, StandardCharsets.US_ASCII);
        return buffer;
    }
}
