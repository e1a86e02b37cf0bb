package dev.porthole.agent.inspect;

import dev.porthole.protocol.message.Header;
import dev.porthole.protocol.message.HttpResponseHead;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Everything the detail page shows of one exchange.
 *
 * @param row             the list line (id, method, status, timings)
 * @param tunnel          the tunnel's name
 * @param upstream        the local service it went to
 * @param state           in progress, complete or failed
 * @param error           why it failed, or empty
 * @param timeToHead      time until the response head, or empty
 * @param requestHeaders  as forwarded to the upstream
 * @param requestBody     the request body, rendered
 * @param responseLine    like {@code 200 OK}, or empty
 * @param responseHeaders as sent back through the tunnel
 * @param responseBody    the response body, rendered
 * @param replayHeaders   the request headers as {@code Name: value} lines, for the replay form
 * @param replayBody      the request body as text for the replay form, or empty
 * @param bodyReplayable  whether the captured request body can be sent again (complete)
 */
public record ExchangeDetail(
        ExchangeRow row,
        String tunnel,
        String upstream,
        String state,
        String error,
        String timeToHead,
        List<Header> requestHeaders,
        BodyView requestBody,
        String responseLine,
        List<Header> responseHeaders,
        BodyView responseBody,
        String replayHeaders,
        String replayBody,
        boolean bodyReplayable) {

    public static ExchangeDetail of(CapturedExchange exchange) {
        List<Header> request = exchange.request().headers();
        HttpResponseHead response = exchange.response();
        List<Header> responseHeaders = response == null ? List.of() : response.headers();
        BodyView requestBody = BodyView.of(
                header(request, "content-type"), header(request, "content-encoding"), exchange.requestBody());
        BodyView responseBody = BodyView.of(
                header(responseHeaders, "content-type"),
                header(responseHeaders, "content-encoding"),
                exchange.responseBody());
        boolean replayable = !exchange.requestBody().truncated();
        String replayBody = replayable && requestBody.readable()
                ? new String(exchange.requestBody().bytes(), StandardCharsets.UTF_8)
                : "";
        return new ExchangeDetail(
                ExchangeRow.of(exchange),
                exchange.tunnel(),
                exchange.upstream().toString(),
                exchange.state().name().toLowerCase().replace('_', ' '),
                exchange.error() == null ? "" : exchange.error(),
                exchange.timeToHead() == null ? "" : ExchangeRow.duration(exchange.timeToHead()),
                request,
                requestBody,
                response == null ? "" : (response.status() + " " + response.reason()).trim(),
                responseHeaders,
                responseBody,
                request.stream().map(h -> h.name() + ": " + h.value()).collect(Collectors.joining("\n")),
                replayBody,
                replayable);
    }

    /** Whether the exchange has not ended yet (the page keeps refreshing). */
    public boolean inProgress() {
        return state.equals("in progress");
    }

    /** Whether the request body is text the replay form can show and edit. */
    public boolean bodyEditable() {
        return bodyReplayable && (requestBody.readable() || requestBody.kind() == BodyView.Kind.EMPTY);
    }

    static String header(List<Header> headers, String name) {
        return headers.stream()
                .filter(h -> h.name().equalsIgnoreCase(name))
                .map(Header::value)
                .findFirst()
                .orElse(null);
    }
}
