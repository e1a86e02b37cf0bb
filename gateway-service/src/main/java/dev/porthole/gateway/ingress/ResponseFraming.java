package dev.porthole.gateway.ingress;

import dev.porthole.protocol.message.Header;
import dev.porthole.protocol.message.HopByHop;
import dev.porthole.protocol.message.HttpResponseHead;
import dev.porthole.protocol.mux.MuxStream;
import dev.porthole.protocol.relay.ForwardingWriteStream;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.streams.WriteStream;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/**
 * The framing the gateway gives an agent's response towards the visitor, decided from the head
 * alone. The agent's framing headers are claims, not instructions: the gateway writes its own
 * Content-Length (or chunks), never relays more or fewer body bytes than it declared, relays a
 * {@code 101} only to the upgrade the visitor asked for, and treats other 1xx as interim. A head it
 * cannot frame safely is refused (the visitor gets a 502).
 */
final class ResponseFraming {

    /** Digits only: no sign, no spaces inside, no list; at most 18 so that it fits a long. */

    /** What to do with a response head. */
    sealed interface Decision {}

    /** A 1xx other than an agreed 101: not the answer; the final head is still to come, and no body may come before it. */
    record Interim() implements Decision {}

    /** A 101 to the upgrade the visitor asked for: raw bytes both ways from now on. */
    record Switching() implements Decision {}

    /** A final response; {@code length} is the body's declared length, -1 if unknown (then the gateway chunks). */
    record Final(long length, boolean bodyless) implements Decision {}

    /** A head the gateway cannot pass on; {@code reason} is the metric tag, {@code detail} the log's words. */
    record Refused(String reason, String detail) implements Decision {}

    private ResponseFraming() {}

    /**
     * @param headRequest the visitor's request was a HEAD
     * @param upgrades the protocols the visitor's request asked to upgrade to (lower case), empty if none
     */
    static Decision decide(HttpResponseHead head, boolean headRequest, Set<String> upgrades) {
        int status = head.status();
        if (status == 101) {
            return switching(head, upgrades);
        }
        if (status < 200) {
            return new Interim();
        }
        String length = null;
        boolean transferEncoding = false;
        for (Header header : head.headers()) {
            String name = header.name();
            if (name.equalsIgnoreCase("transfer-encoding")) {
                transferEncoding = true;
            } else if (name.equalsIgnoreCase("content-length")) {
                for (String value : header.value().split(",", -1)) {
                    String trimmed = value.trim();
                    if (!isLength(trimmed)) {
                        return new Refused("bad-content-length", "has a Content-Length that is not a number");
                    }
                    if (length != null && Long.parseLong(length) != Long.parseLong(trimmed)) {
                        return new Refused("bad-content-length", "has Content-Lengths that disagree");
                    }
                    length = trimmed;
                }
            }
        }
        if (length != null && transferEncoding) {
            return new Refused("length-and-transfer-encoding", "has both Content-Length and Transfer-Encoding");
        }
        boolean bodyless = headRequest || status == 204 || status == 304;
        return new Final(length == null ? -1 : Long.parseLong(length), bodyless);
    }

    /** One to eighteen ASCII digits: a length that fits a long (RFC 9110 8.6, 1*DIGIT). */
    private static boolean isLength(String value) {
        if (value.isEmpty() || value.length() > 18) {
            return false;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }

    /**
     * The agent's headers minus hop-by-hop ones and its framing: Content-Length is the gateway's to
     * set, except that a bodyless answer (HEAD, 304) keeps the length it describes.
     */
    static void copyHeaders(HttpResponseHead head, HttpServerResponse response, boolean switching, boolean keepLength) {
        HopByHop hop = HopByHop.forConnectionHeaders(head.headers().stream()
                .filter(h -> h.name().equalsIgnoreCase("connection"))
                .map(Header::value)
                .toList());
        for (Header header : head.headers()) {
            String lower = header.name().toLowerCase(Locale.ROOT);
            if (hop.isHopByHop(header.name())
                    && !(switching && (lower.equals("upgrade") || lower.equals("connection")))) {
                continue;
            }
            if (lower.equals("content-length")
                    && (!keepLength || response.headers().contains(HttpHeaders.CONTENT_LENGTH))) {
                continue;
            }
            response.headers().add(header.name(), header.value());
        }
    }

    private static Decision switching(HttpResponseHead head, Set<String> upgrades) {
        if (upgrades.isEmpty()) {
            return new Refused("unrequested-upgrade", "switches protocols for a request that asked for no upgrade");
        }
        Set<String> offered = tokens(head, "upgrade");
        if (offered.size() != 1 || !upgrades.contains(offered.iterator().next())) {
            return new Refused(
                    "unrequested-upgrade", "switches to another protocol than the one the request asked for");
        }
        return new Switching();
    }

    /** The comma-separated, lower-cased values of every header called {@code name}. */
    static Set<String> tokens(Iterable<String> values) {
        Set<String> tokens = new HashSet<>();
        for (String value : values) {
            Arrays.stream(value.split(","))
                    .map(token -> token.trim().toLowerCase(Locale.ROOT))
                    .filter(token -> !token.isEmpty())
                    .forEach(tokens::add);
        }
        return tokens;
    }

    private static Set<String> tokens(HttpResponseHead head, String name) {
        return tokens(head.headers().stream()
                .filter(h -> h.name().equalsIgnoreCase(name))
                .map(Header::value)
                .toList());
    }

    /** The response broke the framing the gateway declared for it. */
    static final class Violation extends RuntimeException {
        private final String reason;

        Violation(String reason, String detail) {
            super(detail, null, false, false);
            this.reason = reason;
        }

        String reason() {
            return reason;
        }
    }

    /**
     * A body towards the visitor that must be exactly {@code length} bytes: of a write that would pass
     * it only the bytes up to the length go through and the write fails; an end before it fails.
     */
    /**
     * Puts the trailer fields the agent ended the stream with (TRAILERS) on the visitor's response as
     * it ends: h2 sends them as a HEADERS frame, HTTP/1.1 in the last chunk of a chunked body.
     * The codec already checked them ({@code HttpFieldRules.trailerProblem}).
     */
    static final class WithTrailers extends ForwardingWriteStream {
        private final MuxStream stream;
        private final HttpServerResponse response;

        WithTrailers(WriteStream<Buffer> delegate, MuxStream stream, HttpServerResponse response) {
            super(delegate);
            this.stream = stream;
            this.response = response;
        }

        @Override
        public Future<Void> end() {
            addTrailers();
            return delegate.end();
        }

        @Override
        public Future<Void> end(Buffer data) {
            addTrailers();
            return delegate.end(data);
        }

        private void addTrailers() {
            stream.trailers().forEach(field -> response.trailers().add(field.name(), field.value()));
        }
    }

    static final class ExactLength extends ForwardingWriteStream {
        private final long length;
        private long written;

        ExactLength(WriteStream<Buffer> delegate, long length) {
            super(delegate);
            this.length = length;
        }

        @Override
        public Future<Void> write(Buffer data) {
            if (written + data.length() > length) {
                int allowed = (int) (length - written);
                written = length;
                Violation tooLong = new Violation("length-mismatch", "has a body longer than its " + length + " bytes");
                return allowed == 0
                        ? Future.failedFuture(tooLong)
                        : delegate.write(data.slice(0, allowed)).transform(ignored -> Future.failedFuture(tooLong));
            }
            written += data.length();
            return delegate.write(data);
        }

        @Override
        public Future<Void> end() {
            if (written < length) {
                return Future.failedFuture(new Violation(
                        "length-mismatch", "ended its body after " + written + " of " + length + " bytes"));
            }
            return delegate.end();
        }

        @Override
        public Future<Void> end(Buffer data) {
            if (written + data.length() != length) {
                return write(data).compose(ignored -> end());
            }
            written = length;
            return delegate.end(data);
        }
    }
}
