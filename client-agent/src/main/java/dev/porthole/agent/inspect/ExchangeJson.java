package dev.porthole.agent.inspect;

import dev.porthole.protocol.message.Header;
import dev.porthole.protocol.message.HttpResponseHead;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/** The JSON the inspector's API answers with, and the replay edits it reads. */
final class ExchangeJson {

    private ExchangeJson() {}

    /** A list entry: enough to find a request, without bodies. */
    static JsonObject summary(CapturedExchange exchange) {
        JsonObject json = new JsonObject()
                .put("id", exchange.id())
                .put("replayOf", exchange.replayOf())
                .put("startedAt", exchange.startedAt().toString())
                .put("tunnel", exchange.tunnel())
                .put("method", exchange.request().method())
                .put("uri", exchange.request().uri())
                .put("state", exchange.state().name().toLowerCase())
                .put("status", exchange.status() == 0 ? null : exchange.status())
                .put("durationMs", exchange.duration().toMillis())
                .put("requestBytes", exchange.requestBody().totalBytes())
                .put("responseBytes", exchange.responseBody().totalBytes());
        if (exchange.error() != null) {
            json.put("error", exchange.error());
        }
        return json;
    }

    /** Everything captured: heads, bodies (text when readable, base64 of the kept bytes always) and timings. */
    static JsonObject detail(CapturedExchange exchange) {
        JsonObject json = summary(exchange);
        json.put("upstream", exchange.upstream().toString());
        json.put(
                "timeToHeadMs",
                exchange.timeToHead() == null ? null : exchange.timeToHead().toMillis());
        List<Header> requestHeaders = exchange.request().headers();
        json.put(
                "request",
                new JsonObject()
                        .put("method", exchange.request().method())
                        .put("uri", exchange.request().uri())
                        .put("headers", headers(requestHeaders))
                        .put("body", body(exchange.requestBody(), requestHeaders)));
        HttpResponseHead response = exchange.response();
        if (response != null) {
            json.put(
                    "response",
                    new JsonObject()
                            .put("status", response.status())
                            .put("reason", response.reason())
                            .put("headers", headers(response.headers()))
                            .put("body", body(exchange.responseBody(), response.headers())));
        }
        return json;
    }

    private static JsonArray headers(List<Header> headers) {
        JsonArray array = new JsonArray();
        for (Header header : headers) {
            array.add(new JsonObject().put("name", header.name()).put("value", header.value()));
        }
        return array;
    }

    private static JsonObject body(BodyCapture capture, List<Header> headers) {
        BodyView view = BodyView.of(
                ExchangeDetail.header(headers, "content-type"),
                ExchangeDetail.header(headers, "content-encoding"),
                capture);
        JsonObject json = new JsonObject()
                .put("kind", view.kind().name().toLowerCase())
                .put("size", view.totalBytes())
                .put("captured", view.capturedBytes())
                .put("cap", view.cap())
                .put("truncated", view.truncated())
                .put("base64", Base64.getEncoder().encodeToString(capture.bytes()));
        if (view.kind() == BodyView.Kind.JSON || view.kind() == BodyView.Kind.TEXT) {
            json.put("text", view.text());
        }
        if (view.kind() == BodyView.Kind.FORM) {
            JsonArray fields = new JsonArray();
            view.fields()
                    .forEach(field -> fields.add(
                            new JsonObject().put("name", field.name()).put("value", field.value())));
            json.put("fields", fields);
        }
        return json;
    }

    /**
     * Replay edits from a request body such as
     * {@code {"method":"PUT","path":"/x","headers":[{"name":"X-A","value":"1"}],"body":"..."}}; every
     * field is optional and an empty body means replay unchanged.
     *
     * @throws IllegalArgumentException naming the field that is wrong
     */
    static ReplayRequest replayRequest(JsonObject json) {
        if (json == null) {
            return ReplayRequest.UNCHANGED;
        }
        List<String> unknown = new ArrayList<>(json.fieldNames());
        unknown.removeAll(List.of("method", "path", "headers", "body"));
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException(
                    "unknown fields " + unknown + "; a replay takes method, path, headers and body");
        }
        List<Header> headers = null;
        if (json.containsKey("headers")) {
            if (!(json.getValue("headers") instanceof JsonArray array)) {
                throw new IllegalArgumentException("headers must be an array of {\"name\":..., \"value\":...}");
            }
            headers = new ArrayList<>();
            for (Object entry : array) {
                if (!(entry instanceof JsonObject header)
                        || !(header.getValue("name") instanceof String name)
                        || !(header.getValue("value") instanceof String value)) {
                    throw new IllegalArgumentException(
                            "each header must be {\"name\": string, \"value\": string}, was " + entry);
                }
                headers.add(new Header(name, value));
            }
        }
        return new ReplayRequest(text(json, "method"), text(json, "path"), headers, text(json, "body"));
    }

    private static String text(JsonObject json, String field) {
        Object value = json.getValue(field);
        if (value != null && !(value instanceof String)) {
            throw new IllegalArgumentException(field + " must be a string");
        }
        return (String) value;
    }
}
