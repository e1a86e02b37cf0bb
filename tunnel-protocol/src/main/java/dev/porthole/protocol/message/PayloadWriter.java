package dev.porthole.protocol.message;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.function.BiConsumer;

/** Writes the fields of a control payload in the layout that {@link PayloadReader} reads. */
final class PayloadWriter {

    private static final int MAX_U16 = 0xFFFF;

    private final Buffer out = Buffer.buffer(64);

    PayloadWriter u8(int value) {
        out.appendUnsignedByte((short) value);
        return this;
    }

    PayloadWriter u16(int value) {
        if (value < 0 || value > MAX_U16) {
            throw new IllegalArgumentException("value " + value + " does not fit in 16 bits");
        }
        out.appendUnsignedShort(value);
        return this;
    }

    PayloadWriter u32(long value) {
        out.appendUnsignedInt(value);
        return this;
    }

    PayloadWriter i64(long value) {
        out.appendLong(value);
        return this;
    }

    PayloadWriter bool(boolean value) {
        return u8(value ? 1 : 0);
    }

    PayloadWriter string(String value) {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        u16(bytes.length);
        out.appendBytes(bytes);
        return this;
    }

    <T> PayloadWriter list(Collection<T> values, BiConsumer<PayloadWriter, T> element) {
        u16(values.size());
        for (T value : values) {
            element.accept(this, value);
        }
        return this;
    }

    Buffer buffer() {
        return out;
    }
}
