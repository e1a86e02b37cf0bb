package dev.porthole.agent.inspect;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.StandardCharsets;
import java.nio.charset.UnsupportedCharsetException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A captured body made readable: JSON pretty-printed, a form as name/value pairs, text as text,
 * anything else as its size and a hex dump of its first bytes. Says when the body was cut at the cap.
 *
 * @param kind          how the body is shown
 * @param text          the JSON or text to show; empty for forms and binary bodies
 * @param fields        a form's fields, in order
 * @param hexHead       a hex dump of the first bytes of a binary body
 * @param contentType   the Content-Type header, or empty
 * @param note          why a body is shown the way it is (for example "gzip-encoded"), or empty
 * @param totalBytes    how long the body was
 * @param capturedBytes how many bytes were kept
 * @param cap           the capture cap
 * @param truncated     whether the body was longer than the cap
 */
public record BodyView(
        Kind kind,
        String text,
        List<FormField> fields,
        String hexHead,
        String contentType,
        String note,
        long totalBytes,
        int capturedBytes,
        int cap,
        boolean truncated) {

    /** How many bytes of a binary body the hex dump shows. */
    public static final int HEX_HEAD_BYTES = 256;

    private static final ObjectMapper JSON = new ObjectMapper();

    /** How a body is shown. */
    public enum Kind {
        EMPTY,
        JSON,
        FORM,
        TEXT,
        BINARY
    }

    /** One field of a form body. */
    public record FormField(String name, String value) {}

    public BodyView {
        fields = List.copyOf(fields);
    }

    /** Chooses the view from the Content-Type and Content-Encoding headers (either may be null) and the bytes. */
    public static BodyView of(String contentType, String contentEncoding, BodyCapture capture) {
        byte[] bytes = capture.bytes();
        String type = contentType == null ? "" : contentType.trim();
        String mediaType = mediaType(type);
        boolean truncated = capture.truncated();
        Builder view = new Builder(type, capture.totalBytes(), bytes.length, capture.cap(), truncated);
        if (capture.totalBytes() == 0) {
            return view.build(Kind.EMPTY, "", List.of(), "", "");
        }
        if (contentEncoding != null
                && !contentEncoding.isBlank()
                && !contentEncoding.trim().equalsIgnoreCase("identity")) {
            return view.build(Kind.BINARY, "", List.of(), hexHead(bytes), contentEncoding.trim() + "-encoded");
        }
        String text = decode(bytes, charset(type), truncated);
        if (text == null) {
            return view.build(Kind.BINARY, "", List.of(), hexHead(bytes), "");
        }
        if (mediaType.equals("application/json") || mediaType.endsWith("+json")) {
            if (truncated) {
                return view.build(Kind.TEXT, text, List.of(), "", "JSON cut at the cap, shown as text");
            }
            try {
                JsonNode tree = JSON.readTree(text);
                return view.build(
                        Kind.JSON, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(tree), List.of(), "", "");
            } catch (JsonProcessingException e) {
                return view.build(Kind.TEXT, text, List.of(), "", "not valid JSON, shown as text");
            }
        }
        if (mediaType.equals("application/x-www-form-urlencoded")) {
            List<FormField> fields = new ArrayList<>();
            for (Map.Entry<String, List<String>> field : new QueryStringDecoder(text, StandardCharsets.UTF_8, false)
                    .parameters()
                    .entrySet()) {
                for (String value : field.getValue()) {
                    fields.add(new FormField(field.getKey(), value));
                }
            }
            return view.build(
                    Kind.FORM,
                    "",
                    fields,
                    "",
                    truncated ? "form cut at the cap: the last field may be incomplete" : "");
        }
        if (textual(mediaType) || mediaType.isEmpty()) {
            return view.build(Kind.TEXT, text, List.of(), "", "");
        }
        return view.build(Kind.BINARY, "", List.of(), hexHead(bytes), "");
    }

    /** Whether the body is shown as text of some kind (JSON, form or text). */
    public boolean readable() {
        return kind == Kind.JSON || kind == Kind.FORM || kind == Kind.TEXT;
    }

    /** How many bytes the hex dump shows. */
    public int hexLength() {
        return Math.min(capturedBytes, HEX_HEAD_BYTES);
    }

    private static boolean textual(String mediaType) {
        return mediaType.startsWith("text/")
                || mediaType.endsWith("+xml")
                || mediaType.equals("application/xml")
                || mediaType.equals("application/javascript")
                || mediaType.equals("application/graphql");
    }

    private static String mediaType(String contentType) {
        int semicolon = contentType.indexOf(';');
        return (semicolon < 0 ? contentType : contentType.substring(0, semicolon))
                .trim()
                .toLowerCase(Locale.ROOT);
    }

    private static Charset charset(String contentType) {
        for (String parameter : contentType.split(";")) {
            String[] pair = parameter.trim().split("=", 2);
            if (pair.length == 2 && pair[0].trim().equalsIgnoreCase("charset")) {
                try {
                    return Charset.forName(pair[1].trim().replace("\"", ""));
                } catch (IllegalCharsetNameException | UnsupportedCharsetException e) {
                    return StandardCharsets.UTF_8;
                }
            }
        }
        return StandardCharsets.UTF_8;
    }

    /**
     * The bytes as text, or null if they are not text in that charset or hold control characters. A
     * body cut at the cap may end inside a character: up to three bytes at the end are let go.
     */
    private static String decode(byte[] bytes, Charset charset, boolean truncated) {
        int drop = 0;
        while (drop <= (truncated ? 3 : 0) && drop <= bytes.length) {
            try {
                String text = charset.newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT)
                        .decode(ByteBuffer.wrap(bytes, 0, bytes.length - drop))
                        .toString();
                return hasControlCharacters(text) ? null : text;
            } catch (CharacterCodingException e) {
                drop++;
            }
        }
        return null;
    }

    private static boolean hasControlCharacters(String text) {
        return text.chars().anyMatch(c -> c < 0x20 && c != '\n' && c != '\r' && c != '\t');
    }

    private static String hexHead(byte[] bytes) {
        return ByteBufUtil.prettyHexDump(Unpooled.wrappedBuffer(bytes, 0, Math.min(bytes.length, HEX_HEAD_BYTES)));
    }

    private record Builder(String contentType, long totalBytes, int capturedBytes, int cap, boolean truncated) {
        BodyView build(Kind kind, String text, List<FormField> fields, String hexHead, String note) {
            return new BodyView(
                    kind, text, fields, hexHead, contentType, note, totalBytes, capturedBytes, cap, truncated);
        }
    }
}
