package dev.porthole.agent.inspect;

import dev.porthole.protocol.message.Header;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The inspector's pages: the request list ({@code /}, kept current by {@link LiveFeed}), a page per
 * request with its replay form, and the replay's answer shown next to the original.
 */
final class InspectorPageRoutes {

    /** Most rows the list page shows; the JSON API can list every kept request. */
    static final int PAGE_ROWS = 200;

    private final ExchangeStore store;
    private final Replayer replayer;
    private final InspectorPages pages;
    private final Supplier<List<TunnelLine>> tunnels;

    InspectorPageRoutes(
            ExchangeStore store, Replayer replayer, InspectorPages pages, Supplier<List<TunnelLine>> tunnels) {
        this.store = store;
        this.replayer = replayer;
        this.pages = pages;
        this.tunnels = tunnels;
    }

    void mount(Router router) {
        router.get("/").handler(this::index);
        router.post("/clear").handler(this::clear);
        router.get("/requests/:id").handler(this::detail);
        router.post("/requests/:id/replay").handler(this::replay);
    }

    private void index(RoutingContext context) {
        filter(context)
                .ifPresent(filter -> html(context, 200, pages.index(rows(filter), filter, store, tunnels.get())));
    }

    /** Forgets every kept request; open list pages are sent the empty list. */
    private void clear(RoutingContext context) {
        store.clear();
        context.response()
                .setStatusCode(303)
                .putHeader(HttpHeaders.LOCATION, "/")
                .end();
    }

    private List<ExchangeRow> rows(ExchangeFilter filter) {
        return store.newestFirst(filter, PAGE_ROWS).stream()
                .map(ExchangeRow::of)
                .toList();
    }

    private void detail(RoutingContext context) {
        ExchangeLookup lookup = lookup(context);
        if (!lookup.found()) {
            return;
        }
        CapturedExchange exchange = lookup.exchange();
        ExchangeDetail original = exchange.replayOf() == null
                ? null
                : store.find(exchange.replayOf()).map(ExchangeDetail::of).orElse(null);
        html(context, 200, pages.detail(ExchangeDetail.of(exchange), original));
    }

    private void replay(RoutingContext context) {
        boolean htmxRequest = context.request().getHeader("HX-Request") != null;
        ExchangeLookup lookup = lookup(context);
        if (!lookup.found()) {
            return;
        }
        CapturedExchange original = lookup.exchange();
        try {
            replayer.replay(original, formEdits(context)).onComplete(result -> {
                if (result.failed()) {
                    html(
                            context,
                            500,
                            pages.replayError(String.valueOf(result.cause().getMessage())));
                } else if (htmxRequest) {
                    html(
                            context,
                            200,
                            pages.comparison(ExchangeDetail.of(original), ExchangeDetail.of(result.result())));
                } else {
                    context.response()
                            .setStatusCode(303)
                            .putHeader(
                                    HttpHeaders.LOCATION,
                                    "/requests/" + result.result().id())
                            .end();
                }
            });
        } catch (IllegalArgumentException e) {
            // htmx swaps only successful answers, so a refusal is shown as a 200 fragment there.
            html(context, htmxRequest ? 200 : 400, pages.replayError(e.getMessage()));
        }
    }

    /** Reads the replay form: method, path, headers as "Name: value" lines, and body (absent means unchanged). */
    static ReplayRequest formEdits(RoutingContext context) {
        String headersText = context.request().getFormAttribute("headers");
        List<Header> headers = null;
        if (headersText != null) {
            headers = new ArrayList<>();
            String[] lines = headersText.split("\\r?\\n");
            for (int i = 0; i < lines.length; i++) {
                String line = lines[i];
                if (line.isBlank()) {
                    continue;
                }
                int colon = line.indexOf(':');
                if (colon <= 0) {
                    throw new IllegalArgumentException(
                            "header line " + (i + 1) + " '" + line + "' is not written as Name: value");
                }
                headers.add(new Header(
                        line.substring(0, colon).trim(),
                        line.substring(colon + 1).trim()));
            }
        }
        String body = context.request().getFormAttribute("body");
        return new ReplayRequest(
                context.request().getFormAttribute("method"),
                context.request().getFormAttribute("path"),
                headers,
                body == null ? null : body.replace("\r\n", "\n"));
    }

    /** The list's filter from the query; when it is bad the 400 answer is already sent. */
    static Optional<ExchangeFilter> filter(RoutingContext context) {
        try {
            return Optional.of(ExchangeFilter.parse(
                    context.request().getParam("status"), context.request().getParam("path")));
        } catch (IllegalArgumentException e) {
            InspectorServer.text(context, 400, e.getMessage() + "\n");
            return Optional.empty();
        }
    }

    /** The exchange in the path; when there is none the answer is already sent. */
    private ExchangeLookup lookup(RoutingContext context) {
        ExchangeLookup lookup = ExchangeLookup.find(store, context.pathParam("id"));
        if (!lookup.found()) {
            InspectorServer.text(context, lookup.status(), lookup.problem() + "\n");
        }
        return lookup;
    }

    private static void html(RoutingContext context, int status, String body) {
        context.response()
                .setStatusCode(status)
                .putHeader(HttpHeaders.CONTENT_TYPE, "text/html; charset=utf-8")
                .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
                .end(body);
    }
}
