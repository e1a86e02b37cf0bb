package dev.porthole.agent.inspect;

import dev.porthole.protocol.message.Header;
import dev.porthole.protocol.message.HttpRequestHead;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What to send again: a captured request with optional edits. A null edit keeps the captured value.
 *
 * @param method  replaces the method, e.g. {@code PUT}
 * @param path    replaces the path and query; must start with {@code /}
 * @param headers replaces all request headers
 * @param body    replaces the body (UTF-8)
 */
public record ReplayRequest(String method, String path, List<Header> headers, String body) {

    /** Replay exactly what was captured. */
    public static final ReplayRequest UNCHANGED = new ReplayRequest(null, null, null, null);

    /** Headers a replay never copies: the client sets the body's framing itself. */
    private static final List<String> FRAMING = List.of("content-length", "transfer-encoding");

    /**
     * The head and body to send for {@code original}.
     *
     * @throws IllegalArgumentException naming what is wrong: a bad method, path or header, or a body that
     *                                  was cut at the cap and not replaced
     */
    public Prepared prepare(CapturedExchange original) {
        List<String> errors = new ArrayList<>();
        String newMethod = method == null || method.isBlank()
                ? original.request().method()
                : method.trim().toUpperCase(Locale.ROOT);
        if (!newMethod.matches("[A-Z][A-Z0-9_-]{0,31}")) {
            errors.add("method '" + method + "' is not an HTTP method (letters, like GET or POST)");
        }
        String newPath = path == null || path.isBlank() ? original.request().uri() : path.trim();
        if (!newPath.startsWith("/") || newPath.chars().anyMatch(c -> c <= ' ' || c == 127)) {
            errors.add("path '" + path + "' must start with / and contain no spaces or control characters");
        }
        List<Header> newHeaders = new ArrayList<>();
        for (Header header : headers == null ? original.request().headers() : headers) {
            if (!header.name().matches("[!#$%&'*+.^_`|~0-9A-Za-z-]+")) {
                errors.add("header name '" + header.name() + "' is not a valid HTTP header name");
            } else if (header.value().chars().anyMatch(c -> c == '\r' || c == '\n' || c == 0)) {
                errors.add("header '" + header.name() + "' has a line break or NUL in its value");
            } else if (!FRAMING.contains(header.name().toLowerCase(Locale.ROOT))) {
                newHeaders.add(header);
            }
        }
        byte[] newBody;
        if (body != null) {
            newBody = body.getBytes(StandardCharsets.UTF_8);
        } else if (original.state() == CapturedExchange.State.IN_PROGRESS && original.response() == null) {
            errors.add("request " + original.id() + " is still in progress; replay it when it has finished");
            newBody = new byte[0];
        } else if (original.requestBody().truncated()) {
            errors.add("the captured body of request " + original.id() + " was cut at the capture cap ("
                    + original.requestBody().cap() + " bytes of "
                    + original.requestBody().totalBytes() + "); give the body to send");
            newBody = new byte[0];
        } else {
            newBody = original.requestBody().bytes();
        }
        if (!errors.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", errors));
        }
        return new Prepared(new HttpRequestHead(newMethod, newPath, newHeaders), newBody);
    }

    /** A request ready to send: head (without framing headers) and the whole body. */
    public record Prepared(HttpRequestHead head, byte[] body) {}
}
