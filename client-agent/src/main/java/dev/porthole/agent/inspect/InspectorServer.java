package dev.porthole.agent.inspect;

import dev.porthole.protocol.message.Header;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The inspector's web server: the request list ({@code /}, refreshed through {@code /rows}), a
 * page per request ({@code /requests/{id}}) with its replay form, and the JSON API under
 * {@code /api/requests}. It answers only requests addressed to a loopback name unless it was bound
 * to another address on purpose, and refuses cross-site form posts.
 */
public final class InspectorServer {

    /** Most rows the list page shows; the JSON API can list every kept request. */
    static final int PAGE_ROWS = 200;
    /** Largest request the inspector reads (a replay with an edited body). */
    static final long MAX_REQUEST_BYTES = 4L * 1024 * 1024;
    private static final String HTMX = "META-INF/resources/_static/htmx.org/2.0.2/dist/htmx.min.js";

    private final Vertx vertx;
    private final ExchangeStore store;
    private final Replayer replayer;
    private final InspectorPages pages;
    private final boolean loopbackOnly;
    private final Buffer htmx;

    public InspectorServer(Vertx vertx, ExchangeStore store, Replayer replayer, InspectorPages pages, boolean loopbackOnly) {
        this.vertx = vertx;
        this.store = store;
        this.replayer = replayer;
        this.pages = pages;
        this.loopbackOnly = loopbackOnly;
        this.htmx = resource(HTMX);
    }

    /** Binds the server; fails (for example with "Address already in use") if the port is taken. */
    public Future<HttpServer> listen(String host, int port) {
        return vertx.createHttpServer(new HttpServerOptions().setHost(host).setPort(port).setCompressionSupported(true))
                .requestHandler(router())
                .listen();
    }

    Router router() {
        Router router = Router.router(vertx);
        router.route().handler(this::guard);
        router.route().handler(BodyHandler.create(false).setBodyLimit(MAX_REQUEST_BYTES));
        router.get("/").handler(this::index);
        router.get("/rows").handler(this::rows);
        router.get("/requests/:id").handler(this::detail);
        router.post("/requests/:id/replay").handler(this::replayForm);
        router.get("/static/htmx.min.js").handler(this::htmx);
        router.get("/api/requests").handler(this::listJson);
        router.get("/api/requests/:id").handler(this::detailJson);
        router.post("/api/requests/:id/replay").handler(this::replayJson);
        return router;
    }

    /** Blocks DNS-rebinding pages (a foreign Host) and cross-site posts (a foreign Origin). */
    private void guard(RoutingContext context) {
        String host = context.request().authority() == null ? "" : context.request().authority().host();
        if (loopbackOnly && !(host.equals("localhost") || host.equals("127.0.0.1") || host.equals("::1") || host.equals("[::1]"))) {
            text(context, 403, "the inspector answers only to localhost, 127.0.0.1 or [::1]\n");
            return;
        }
        String origin = context.request().getHeader(HttpHeaders.ORIGIN);
        if (origin != null && !"GET".equals(context.request().method().name()) && !sameOrigin(origin, context)) {
            text(context, 403, "cross-site request refused: open the inspector itself to replay\n");
            return;
        }
        context.next();
    }

    private static boolean sameOrigin(String origin, RoutingContext context) {
        try {
            URI uri = URI.create(origin);
            String authority = context.request().authority().toString();
            return uri.getRawAuthority() != null && uri.getRawAuthority().equalsIgnoreCase(authority);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private void index(RoutingContext context) {
        filter(context).ifPresent(filter -> html(context, 200, pages.index(rows(filter), filter, store)));
    }

    private void rows(RoutingContext context) {
        filter(context).ifPresent(filter -> html(context, 200, pages.rows(rows(filter), filter)));
    }

    private List<ExchangeRow> rows(ExchangeFilter filter) {
        return store.newestFirst(filter, PAGE_ROWS).stream().map(ExchangeRow::of).toList();
    }

    private void detail(RoutingContext context) {
        exchange(context, false).ifPresent(exchange -> {
            ExchangeDetail original = exchange.replayOf() == null ? null
                    : store.find(exchange.replayOf()).map(ExchangeDetail::of).orElse(null);
            html(context, 200, pages.detail(ExchangeDetail.of(exchange), original));
        });
    }

    private void replayForm(RoutingContext context) {
        boolean htmxRequest = context.request().getHeader("HX-Request") != null;
        exchange(context, false).ifPresent(original -> {
            ReplayRequest edits;
            try {
                edits = formEdits(context);
                replayer.replay(original, edits).onComplete(result -> {
                    if (result.failed()) {
                        html(context, 500, pages.replayError(String.valueOf(result.cause().getMessage())));
                    } else if (htmxRequest) {
                        html(context, 200, pages.comparison(ExchangeDetail.of(original), ExchangeDetail.of(result.result())));
                    } else {
                        context.response().setStatusCode(303).putHeader(HttpHeaders.LOCATION, "/requests/" + result.result().id()).end();
                    }
                });
            } catch (IllegalArgumentException e) {
                // htmx swaps only successful answers, so a refusal is shown as a 200 fragment there.
                html(context, htmxRequest ? 200 : 400, pages.replayError(e.getMessage()));
            }
        });
    }

    /** Reads the replay form: method, path, headers as "Name: value" lines, and body (absent means unchanged). */
    static ReplayRequest formEdits(RoutingContext context) {
        String headersText = context.request().getFormAttribute("headers");
        List<Header> headers = null;
        if (headersText != null) {
            headers = new ArrayList<>();
            String[] lines = headersText.split("\r?\n");
            for (int i = 0; i < lines.length; i++) {
                String line = lines[i];
                if (line.isBlank()) {
                    continue;
                }
                int colon = line.indexOf(':');
                if (colon <= 0) {
                    throw new IllegalArgumentException("header line " + (i + 1) + " '" + line + "' is not written as Name: value");
                }
                headers.add(new Header(line.substring(0, colon).trim(), line.substring(colon + 1).trim()));
            }
        }
        String body = context.request().getFormAttribute("body");
        return new ReplayRequest(context.request().getFormAttribute("method"), context.request().getFormAttribute("path"), headers,
                body == null ? null : body.replace("\r\n", "\n"));
    }

    private void htmx(RoutingContext context) {
        if (htmx == null) {
            text(context, 404, "htmx is missing from the agent's jar; the pages work without live updates\n");
            return;
        }
        context.response().putHeader(HttpHeaders.CONTENT_TYPE, "text/javascript; charset=utf-8")
                .putHeader(HttpHeaders.CACHE_CONTROL, "max-age=86400").end(htmx);
    }

    private void listJson(RoutingContext context) {
        String limitText = context.request().getParam("limit");
        int limit;
        try {
            limit = limitText == null ? store.maxExchanges() : Integer.parseInt(limitText);
            if (limit < 1) {
                throw new NumberFormatException();
            }
        } catch (NumberFormatException e) {
            json(context, 400, new JsonObject().put("error", "limit '" + limitText + "' must be a positive number"));
            return;
        }
        ExchangeFilter filter;
        try {
            filter = ExchangeFilter.parse(context.request().getParam("status"), context.request().getParam("path"));
        } catch (IllegalArgumentException e) {
            json(context, 400, new JsonObject().put("error", e.getMessage()));
            return;
        }
        JsonObject answer = new JsonObject()
                .put("requests", store.newestFirst(filter, limit).stream().map(ExchangeJson::summary).toList())
                .put("kept", store.size())
                .put("evicted", store.evicted())
                .put("limits", new JsonObject().put("maxRequests", store.maxExchanges()).put("maxBytes", store.maxBytes())
                        .put("bodyCap", store.bodyCap()));
        json(context, 200, answer);
    }

    private void detailJson(RoutingContext context) {
        exchange(context, true).ifPresent(exchange -> json(context, 200, ExchangeJson.detail(exchange)));
    }

    private void replayJson(RoutingContext context) {
        exchange(context, true).ifPresent(original -> {
            try {
                JsonObject body = context.body().length() == 0 ? null : context.body().asJsonObject();
                replayer.replay(original, ExchangeJson.replayRequest(body)).onComplete(result -> {
                    if (result.failed()) {
                        json(context, 500, new JsonObject().put("error", String.valueOf(result.cause().getMessage())));
                    } else {
                        json(context, 200, new JsonObject().put("original", original.id()).put("replay", ExchangeJson.detail(result.result())));
                    }
                });
            } catch (DecodeException e) {
                json(context, 400, new JsonObject().put("error", "the body must be a JSON object: " + e.getMessage()));
            } catch (IllegalArgumentException | ClassCastException e) {
                json(context, 400, new JsonObject().put("error", e.getMessage()));
            }
        });
    }

    private Optional<ExchangeFilter> filter(RoutingContext context) {
        try {
            return Optional.of(ExchangeFilter.parse(context.request().getParam("status"), context.request().getParam("path")));
        } catch (IllegalArgumentException e) {
            text(context, 400, e.getMessage() + "\n");
            return Optional.empty();
        }
    }

    /** The exchange named in the path, or an answer saying why there is none. */
    private Optional<CapturedExchange> exchange(RoutingContext context, boolean asJson) {
        String idText = context.pathParam("id");
        String problem;
        int status;
        try {
            Optional<CapturedExchange> found = store.find(Long.parseLong(idText));
            if (found.isPresent()) {
                return found;
            }
            status = 404;
            problem = "no request " + idText + ": it may have been dropped (the inspector keeps the last " + store.maxExchanges()
                    + " requests within " + ExchangeRow.size(store.maxBytes()) + ")";
        } catch (NumberFormatException e) {
            status = 400;
            problem = "'" + idText + "' is not a request id";
        }
        if (asJson) {
            json(context, status, new JsonObject().put("error", problem));
        } else {
            text(context, status, problem + "\n");
        }
        return Optional.empty();
    }

    private static void html(RoutingContext context, int status, String body) {
        context.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, "text/html; charset=utf-8")
                .putHeader(HttpHeaders.CACHE_CONTROL, "no-store").end(body);
    }

    private static void json(RoutingContext context, int status, JsonObject body) {
        context.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                .putHeader(HttpHeaders.CACHE_CONTROL, "no-store").end(body.encodePrettily());
    }

    private static void text(RoutingContext context, int status, String body) {
        context.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, "text/plain; charset=utf-8").end(body);
    }

    private static Buffer resource(String name) {
        try (InputStream in = InspectorServer.class.getClassLoader().getResourceAsStream(name)) {
            return in == null ? null : Buffer.buffer(in.readAllBytes());
        } catch (IOException e) {
            return null;
        }
    }
}
