package dev.porthole.agent.inspect;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The inspector's web server: pages ({@link InspectorPageRoutes}), the JSON API
 * ({@link InspectorApiRoutes}), the list's live updates over a WebSocket ({@code /live},
 * {@link LiveFeed}) and htmx from the jar. It answers only requests addressed to a loopback name
 * unless it was bound to another address on purpose, and refuses cross-site posts and WebSockets.
 */
public final class InspectorServer {

    /** Largest request the inspector reads (a replay with an edited body). */
    static final long MAX_REQUEST_BYTES = 4L * 1024 * 1024;

    private static final String HTMX = "META-INF/resources/_static/htmx.org/2.0.2/dist/htmx.min.js";
    private static final String LIVE_JS = "inspector/live.js";

    private final Vertx vertx;
    private final InspectorPageRoutes pageRoutes;
    private final InspectorApiRoutes apiRoutes;
    private final boolean loopbackOnly;
    private final Buffer htmx;
    private final Buffer liveJs;
    private final ExchangeStore store;
    private final InspectorPages pages;
    private final Set<LiveFeed> feeds = ConcurrentHashMap.newKeySet();
    private volatile Supplier<JsonObject> status;

    public InspectorServer(
            Vertx vertx, ExchangeStore store, Replayer replayer, InspectorPages pages, boolean loopbackOnly) {
        this.vertx = vertx;
        this.pageRoutes = new InspectorPageRoutes(store, replayer, pages, this::tunnels);
        this.apiRoutes = new InspectorApiRoutes(store, replayer);
        this.loopbackOnly = loopbackOnly;
        this.htmx = resource(HTMX);
        this.liveJs = resource(LIVE_JS);
        this.store = store;
        this.pages = pages;
    }

    /** Serves {@code GET /api/status} ({@code porthole status}) from {@code status}. */
    public InspectorServer withStatus(Supplier<JsonObject> status) {
        this.status = status;
        return this;
    }

    /** The agent's tunnels as the list page shows them; none when this server reports no status. */
    private List<TunnelLine> tunnels() {
        Supplier<JsonObject> source = status;
        if (source == null) {
            return List.of();
        }
        JsonArray tunnels = source.get().getJsonArray("tunnels", new JsonArray());
        return tunnels.stream()
                .filter(JsonObject.class::isInstance)
                .map(JsonObject.class::cast)
                .map(TunnelLine::of)
                .toList();
    }

    /** Binds the server; fails (for example with "Address already in use") if the port is taken. */
    public Future<HttpServer> listen(String host, int port) {
        return vertx.createHttpServer(
                        new HttpServerOptions().setHost(host).setPort(port).setCompressionSupported(true))
                .requestHandler(router())
                .listen();
    }

    Router router() {
        Router router = Router.router(vertx);
        router.route().handler(this::guard);
        router.get("/live").handler(this::live);
        router.route().handler(BodyHandler.create(false).setBodyLimit(MAX_REQUEST_BYTES));
        pageRoutes.mount(router);
        apiRoutes.mount(router);
        router.get("/static/htmx.min.js").handler(this::htmx);
        router.get("/static/live.js")
                .handler(context -> context.response()
                        .putHeader(HttpHeaders.CONTENT_TYPE, "text/javascript; charset=utf-8")
                        .end(liveJs));
        router.get("/api/status").handler(this::status);
        return router;
    }

    /** Blocks DNS-rebinding pages (a foreign Host) and cross-site posts (a foreign Origin). */
    private void guard(RoutingContext context) {
        String host = context.request().authority() == null
                ? ""
                : context.request().authority().host();
        if (loopbackOnly
                && !(host.equals("localhost")
                        || host.equals("127.0.0.1")
                        || host.equals("::1")
                        || host.equals("[::1]"))) {
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

    /**
     * Upgrades to the list's live feed. Browsers let any page open a WebSocket to any address and
     * send its Origin, so a foreign (or missing) Origin is refused: it would read every request.
     */
    private void live(RoutingContext context) {
        String origin = context.request().getHeader(HttpHeaders.ORIGIN);
        if (origin == null || !sameOrigin(origin, context)) {
            text(
                    context,
                    403,
                    "live updates are only for the inspector's own page: open " + "http://"
                            + context.request().authority() + "/\n");
            return;
        }
        Optional<ExchangeFilter> filter = InspectorPageRoutes.filter(context);
        if (filter.isEmpty()) {
            return;
        }
        context.request().toWebSocket().onSuccess(socket -> {
            LiveFeed feed =
                    new LiveFeed(socket, vertx.getOrCreateContext(), store, pages, filter.get(), LiveFeed.MAX_PENDING);
            feeds.add(feed);
            feed.start(() -> feeds.remove(feed));
        });
    }

    /** The pages following the list live now. */
    Set<LiveFeed> liveFeeds() {
        return Set.copyOf(feeds);
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

    private void status(RoutingContext context) {
        Supplier<JsonObject> source = status;
        if (source == null) {
            text(context, 404, "this agent reports no status\n");
            return;
        }
        context.response()
                .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                .end(source.get().encode());
    }

    private void htmx(RoutingContext context) {
        if (htmx == null) {
            text(context, 404, "htmx is missing from the agent's jar; the pages work without live updates\n");
            return;
        }
        context.response()
                .putHeader(HttpHeaders.CONTENT_TYPE, "text/javascript; charset=utf-8")
                .putHeader(HttpHeaders.CACHE_CONTROL, "max-age=86400")
                .end(htmx);
    }

    static void text(RoutingContext context, int status, String body) {
        context.response()
                .setStatusCode(status)
                .putHeader(HttpHeaders.CONTENT_TYPE, "text/plain; charset=utf-8")
                .end(body);
    }

    private static Buffer resource(String name) {
        try (InputStream in = InspectorServer.class.getClassLoader().getResourceAsStream(name)) {
            return in == null ? null : Buffer.buffer(in.readAllBytes());
        } catch (IOException e) {
            return null;
        }
    }
}
