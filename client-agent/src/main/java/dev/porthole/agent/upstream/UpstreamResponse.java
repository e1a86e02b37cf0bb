package dev.porthole.agent.upstream;

import dev.porthole.protocol.message.Header;
import dev.porthole.protocol.message.HopByHop;
import dev.porthole.protocol.message.HttpFieldRules;
import dev.porthole.protocol.message.HttpResponseHead;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What the agent passes on of a local service's response: its head without hop-by-hop fields, its
 * framing (declared length, no body at all) and the trailer fields that may travel.
 */
public final class UpstreamResponse {

    private UpstreamResponse() {}

    /** The Content-Length the upstream declared, or -1 when it declared none or an invalid one. */
    static long contentLength(HttpClientResponse response) {
        String value = response.getHeader(HttpHeaders.CONTENT_LENGTH);
        if (value == null) {
            return -1;
        }
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** A response that carries no body: to HEAD, 1xx, 204, 304, or one that says its length is 0. */
    static boolean bodyless(HttpClientResponse response) {
        int status = response.statusCode();
        return response.request().getMethod() == HttpMethod.HEAD
                || status < 200
                || status == 204
                || status == 304
                || "0".equals(response.getHeader(HttpHeaders.CONTENT_LENGTH));
    }

    /**
     * The upstream's trailer fields that may travel ({@link HttpFieldRules#trailerProblem}); the
     * others are left out, so that one bad field does not cost the gRPC status next to it.
     */
    static List<Header> trailers(HttpClientResponse response) {
        List<Header> fields = new ArrayList<>();
        for (Map.Entry<String, String> field : response.trailers()) {
            Header header = new Header(field.getKey(), field.getValue());
            if (fields.size() < HttpFieldRules.MAX_TRAILERS && HttpFieldRules.trailerProblem(List.of(header)) == null) {
                fields.add(header);
            }
        }
        return fields;
    }

    /** The response head to pass on: the upstream's headers minus hop-by-hop ones (kept for a 101). */
    public static HttpResponseHead head(HttpClientResponse response) {
        HopByHop hop = HopByHop.forConnectionHeaders(response.headers().getAll(HttpHeaders.CONNECTION));
        boolean switching = response.statusCode() == 101;
        List<Header> headers = new ArrayList<>(response.headers().size());
        for (Map.Entry<String, String> header : response.headers()) {
            String lower = header.getKey().toLowerCase(Locale.ROOT);
            if (hop.isHopByHop(header.getKey())
                    && !(switching && (lower.equals("upgrade") || lower.equals("connection")))) {
                continue;
            }
            headers.add(new Header(header.getKey(), header.getValue()));
        }
        String reason = response.statusMessage() == null ? "" : response.statusMessage();
        return new HttpResponseHead(response.statusCode(), reason, headers);
    }
}
