package dev.porthole.gateway.ingress;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;

/**
 * Responses the gateway itself writes (unknown tunnel, agent gone, upstream timeout), as a short
 * HTML page for browsers and plain text for everything else. The {@code X-Porthole-Error} header
 * tells them apart from the upstream's own errors.
 */
public final class ErrorPages {

    /** Header naming the gateway's error, for scripts and tests. */
    public static final String ERROR_HEADER = "X-Porthole-Error";

    private ErrorPages() {
    }

    /** Writes an error response, unless the response has already started. */
    public static void send(HttpServerRequest request, int status, String code, String title, String detail) {
        HttpServerResponse response = request.response();
        if (response.headWritten() || response.closed()) {
            return;
        }
        boolean html = accepts(request.getHeader(HttpHeaders.ACCEPT), "text/html");
        String body = html ? page(status, title, detail) : status + " " + title + "\n" + detail + "\n";
        response.setStatusCode(status)
                .putHeader(ERROR_HEADER, code)
                .putHeader(HttpHeaders.CONTENT_TYPE, html ? "text/html; charset=utf-8" : "text/plain; charset=utf-8")
                .putHeader(HttpHeaders.CACHE_CONTROL, "no-store");
        if (request.method() == HttpMethod.HEAD) {
            response.putHeader(HttpHeaders.CONTENT_LENGTH, String.valueOf(body.getBytes(java.nio.charset.StandardCharsets.UTF_8).length)).end();
        } else {
            response.end(body);
        }
    }

    private static boolean accepts(String accept, String type) {
        return accept != null && accept.contains(type);
    }

    private static String page(int status, String title, String detail) {
        return """
                <!doctype html>
                <html lang="en"><head><meta charset="utf-8"><title>%d %s</title>
                <style>body{font-family:system-ui,sans-serif;max-width:40rem;margin:4rem auto;padding:0 1rem;color:#222}
                h1{font-size:1.4rem}p{line-height:1.5}small{color:#666}</style></head>
                <body><h1>%d %s</h1><p>%s</p><small>Porthole gateway</small></body></html>
                """.formatted(status, escape(title), status, escape(title), escape(detail));
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
