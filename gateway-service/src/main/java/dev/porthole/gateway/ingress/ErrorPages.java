package dev.porthole.gateway.ingress;

import dev.porthole.gateway.metrics.GatewayMetrics;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;

/**
 * Responses the gateway itself writes (unknown tunnel, agent gone, upstream timeout), as a branded
 * HTML page for browsers (what happened, what a visitor and what the tunnel's owner can do) and
 * plain text for everything else. The {@code X-Porthole-Error} header
 * tells them apart from the upstream's own errors.
 */
public final class ErrorPages {

    /** Header naming the gateway's error, for scripts and tests. */
    public static final String ERROR_HEADER = "X-Porthole-Error";

    private ErrorPages() {}

    /**
     * Writes an error response ({@link #send}) and counts it as a request the gateway answered
     * itself, in no time.
     */
    public static void refuse(
            HttpServerRequest request, GatewayMetrics metrics, int status, String code, String title, String detail) {
        send(request, status, code, title, detail);
        metrics.httpRequest(status, java.time.Duration.ZERO);
    }

    /** Writes an error response, unless the response has already started. */
    public static void send(HttpServerRequest request, int status, String code, String title, String detail) {
        HttpServerResponse response = request.response();
        if (response.headWritten() || response.closed()) {
            return;
        }
        String contentType = request.getHeader(HttpHeaders.CONTENT_TYPE);
        if (contentType != null
                && contentType.toLowerCase(java.util.Locale.ROOT).startsWith("application/grpc")) {
            sendGrpc(response, status, code, title, detail);
            return;
        }
        boolean html = accepts(request.getHeader(HttpHeaders.ACCEPT), "text/html");
        String body = html ? page(status, code, title, detail) : status + " " + title + "\n" + detail + "\n";
        response.setStatusCode(status)
                .putHeader(ERROR_HEADER, code)
                .putHeader(HttpHeaders.CONTENT_TYPE, html ? "text/html; charset=utf-8" : "text/plain; charset=utf-8")
                .putHeader(HttpHeaders.CACHE_CONTROL, "no-store");
        if (request.method() == HttpMethod.HEAD) {
            response.putHeader(
                            HttpHeaders.CONTENT_LENGTH,
                            String.valueOf(body.getBytes(java.nio.charset.StandardCharsets.UTF_8).length))
                    .end();
        } else {
            response.end(body);
        }
    }

    /**
     * A gRPC client reads no page: a trailers-only answer (HTTP 200, {@code grpc-status} and
     * {@code grpc-message} in the one HEADERS frame) with the status a gRPC client acts on, for
     * example UNAVAILABLE (14) for a tunnel that is unknown or whose agent is gone, so that its
     * retry policy applies.
     */
    private static void sendGrpc(HttpServerResponse response, int status, String code, String title, String detail) {
        response.setStatusCode(200)
                .putHeader(ERROR_HEADER, code)
                .putHeader(HttpHeaders.CONTENT_TYPE, "application/grpc")
                .putHeader("grpc-status", String.valueOf(grpcStatus(status)))
                .putHeader(
                        "grpc-message",
                        java.net.URLEncoder.encode(title + ": " + detail, java.nio.charset.StandardCharsets.UTF_8)
                                .replace("+", "%20"))
                .end();
    }

    /** The gRPC status for a gateway answer (grpc/doc/http-grpc-status-mapping.md, with the gateway's own meanings). */
    static int grpcStatus(int httpStatus) {
        return switch (httpStatus) {
            case 400 -> 13; // INTERNAL
            case 401 -> 16; // UNAUTHENTICATED
            case 403 -> 7; // PERMISSION_DENIED
            case 404, 421, 502, 503 -> 14; // UNAVAILABLE: no such tunnel here, or its agent is gone or busy
            case 504 -> 4; // DEADLINE_EXCEEDED
            case 413, 429, 431 -> 8; // RESOURCE_EXHAUSTED
            default -> 2; // UNKNOWN
        };
    }

    private static boolean accepts(String accept, String type) {
        return accept != null && accept.contains(type);
    }

    /**
     * A branded page: what happened, what a visitor can do and what the tunnel's owner can do. It
     * names no internal address, upstream port or gateway id (callers log those; the agent's
     * inspector shows the upstream's failure to the owner), so {@code detail} must not either.
     */
    private static String page(int status, String code, String title, String detail) {
        String retry = status >= 500 || status == 429 ? "<p><a class=\"button\" href=\"\">Try again</a></p>" : "";
        return """
                <!doctype html>
                <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
                <title>%d %s</title>
                <style>body{font-family:system-ui,sans-serif;max-width:40rem;margin:0 auto;padding:1.5rem 1rem;color:#1b1f24;line-height:1.5}
                .brand{font-weight:700;color:#0969da;border-bottom:1px solid #d0d7de;padding-bottom:.6rem;margin-bottom:1.5rem}
                .brand span{display:inline-block;width:.9rem;height:.9rem;border-radius:50%%;border:3px solid #0969da;margin-right:.4rem;vertical-align:-.15rem}
                h1{font-size:1.5rem;margin:.2rem 0 .8rem}h2{font-size:1rem;margin:1.2rem 0 .2rem}p{margin:.3rem 0;overflow-wrap:anywhere}
                .button{display:inline-block;margin-top:1rem;padding:.45rem 1rem;border-radius:.3rem;background:#0969da;color:#fff;text-decoration:none}
                footer{margin-top:2rem;color:#57606a;font-size:.85rem}
                @media (prefers-color-scheme:dark){body{background:#0d1117;color:#e6edf3}.brand{border-color:#30363d}footer{color:#8b949e}}</style></head>
                <body><div class="brand"><span aria-hidden="true"></span>Porthole</div>
                <main><h1>%d %s</h1><p>%s</p>
                <h2>If you are visiting</h2><p>%s</p>
                <h2>If this is your tunnel</h2><p>%s</p>%s</main>
                <footer>Answered by the Porthole gateway, not by the site behind the tunnel. Error: <code>%s</code></footer></body></html>
                """.formatted(
                        status,
                        escape(title),
                        status,
                        escape(title),
                        escape(detail),
                        visitorAdvice(status),
                        ownerAdvice(status),
                        retry,
                        escape(code));
    }

    private static String visitorAdvice(int status) {
        return switch (status) {
            case 404 ->
                "Check the address for a typo. If someone shared this link with you, their tunnel may have stopped: "
                        + "ask them whether it is still running.";
            case 502 -> "The site behind this address is not answering right now. Try again in a moment.";
            case 503 -> "The site is busy or restarting. Try again in a moment.";
            case 504 ->
                "The site took too long to answer. Try again; if it keeps happening, tell whoever shared the link.";
            case 429 -> "Too many requests reached this site at once. Wait a few seconds, then try again.";
            case 413 -> "What you sent is larger than this site accepts. Send something smaller.";
            default -> "Check the link you followed; this address is not one the gateway can serve.";
        };
    }

    private static String ownerAdvice(int status) {
        if (status >= 500) {
            return "Check that your service is running and that your agent is connected. The agent's terminal and its traffic "
                    + "inspector (at the address the agent printed when it started) show each request and why it failed; "
                    + "the gateway's log has the rest.";
        }
        return switch (status) {
            case 404 ->
                "Start an agent for this name, for example <code>porthole http 3000 --subdomain &lt;name&gt;</code>; "
                        + "the name must match the address exactly.";
            case 413, 429 ->
                "The gateway's operator sets this tunnel's limits; the gateway's log records each refusal.";
            default -> "Share the address the agent printed when it connected; it names this gateway's domain.";
        };
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;")
                .replace("<", "&lt;")
                .replace(">", "&gt;")
                .replace("\"", "&quot;");
    }
}
