package dev.porthole.protocol.message;

import dev.porthole.protocol.frame.ProtocolError;
import dev.porthole.protocol.frame.ProtocolException;
import io.vertx.core.buffer.Buffer;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the fields of a control payload, checking every length against the bytes that remain
 * before allocating anything, so that a hostile length can never cause a large allocation.
 */
final class PayloadReader {

    /** Reads one element of a list. */
    interface ElementReader<T> {
        T read(PayloadReader reader) throws ProtocolException;
    }

    private final Buffer payload;
    private final String what;
    private int position;

    PayloadReader(Buffer payload, String what) {
        this.payload = payload;
        this.what = what;
    }

    int u8() throws ProtocolException {
        require(1, "a byte");
        return payload.getUnsignedByte(position++);
    }

    int u16() throws ProtocolException {
        require(2, "a 16-bit field");
        int value = payload.getUnsignedShort(position);
        position += 2;
        return value;
    }

    long u32() throws ProtocolException {
        require(4, "a 32-bit field");
        long value = payload.getUnsignedInt(position);
        position += 4;
        return value;
    }

    int positiveInt() throws ProtocolException {
        long value = u32();
        if (value == 0 || value > Integer.MAX_VALUE) {
            throw bad("a count of " + value + " is out of range");
        }
        return (int) value;
    }

    long i64() throws ProtocolException {
        require(8, "a 64-bit field");
        long value = payload.getLong(position);
        position += 8;
        return value;
    }

    boolean bool() throws ProtocolException {
        int value = u8();
        if (value > 1) {
            throw bad("a boolean must be 0 or 1, not " + value);
        }
        return value == 1;
    }

    String string() throws ProtocolException {
        int length = u16();
        require(length, "a string of " + length + " bytes");
        byte[] bytes = payload.getBytes(position, position + length);
        position += length;
        // Header names and values are nearly always ASCII: those need no decoder (one per string
        // was a measurable share of each request head's cost); anything else is decoded strictly.
        for (byte b : bytes) {
            if (b < 0) {
                return strictUtf8(bytes);
            }
        }
        return new String(bytes, StandardCharsets.ISO_8859_1);
    }

    private String strictUtf8(byte[] bytes) throws ProtocolException {
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            throw bad("a string is not valid UTF-8");
        }
    }

    <T> List<T> list(ElementReader<T> element) throws ProtocolException {
        int count = u16();
        // Every element takes at least one byte, so a count beyond the remaining bytes is a lie.
        if (count > remaining()) {
            throw new ProtocolException(
                    ProtocolError.TRUNCATED, what + ": list of " + count + " elements in " + remaining() + " bytes");
        }
        List<T> values = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            values.add(element.read(this));
        }
        return values;
    }

    /** Checks that every byte was read: trailing bytes mean the peer and we disagree on the layout. */
    void end() throws ProtocolException {
        if (remaining() != 0) {
            throw new ProtocolException(
                    ProtocolError.TRAILING_BYTES, what + ": " + remaining() + " bytes after the last field");
        }
    }

    ProtocolException bad(String reason) {
        return new ProtocolException(ProtocolError.BAD_FIELD, what + ": " + reason);
    }

    /** Bytes read so far: where raw bytes after the last field begin. */
    int position() {
        return position;
    }

    private int remaining() {
        return payload.length() - position;
    }

    private void require(int bytes, String field) throws ProtocolException {
        if (remaining() < bytes) {
            throw new ProtocolException(
                    ProtocolError.TRUNCATED, what + " ends before " + field + " (" + remaining() + " bytes left)");
        }
    }
}
