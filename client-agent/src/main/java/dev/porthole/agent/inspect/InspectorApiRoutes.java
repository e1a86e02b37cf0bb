package dev.porthole.agent.inspect;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/** The inspector's JSON API for scripts: {@code /api/requests}, one request, and replay with edits. */
final class InspectorApiRoutes {

    private final ExchangeStore store;
    private final Replayer replayer;

    InspectorApiRoutes(ExchangeStore store, Replayer replayer) {
        this.store = store;
        this.replayer = replayer;
    }

    void mount(Router router) {
        router.get("/api/requests").handler(this::list);
        router.get("/api/requests/:id").handler(this::detail);
        router.post("/api/requests/:id/replay").handler(this::replay);
    }

    private void list(RoutingContext context) {
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
            filter = ExchangeFilter.parse(
                    context.request().getParam("status"), context.request().getParam("path"));
        } catch (IllegalArgumentException e) {
            json(context, 400, new JsonObject().put("error", e.getMessage()));
            return;
        }
        JsonObject answer = new JsonObject()
                .put(
                        "requests",
                        store.newestFirst(filter, limit).stream()
                                .map(ExchangeJson::summary)
                                .toList())
                .put("kept", store.size())
                .put("evicted", store.evicted())
                .put(
                        "limits",
                        new JsonObject()
                                .put("maxRequests", store.maxExchanges())
                                .put("maxBytes", store.maxBytes())
                                .put("bodyCap", store.bodyCap()));
        json(context, 200, answer);
    }

    private void detail(RoutingContext context) {
        ExchangeLookup lookup = lookup(context);
        if (lookup.found()) {
            json(context, 200, ExchangeJson.detail(lookup.exchange()));
        }
    }

    private void replay(RoutingContext context) {
        ExchangeLookup lookup = lookup(context);
        if (!lookup.found()) {
            return;
        }
        CapturedExchange original = lookup.exchange();
        try {
            JsonObject body =
                    context.body().length() == 0 ? null : context.body().asJsonObject();
            replayer.replay(original, ExchangeJson.replayRequest(body)).onComplete(result -> {
                if (result.failed()) {
                    json(
                            context,
                            500,
                            new JsonObject()
                                    .put("error", String.valueOf(result.cause().getMessage())));
                } else {
                    json(
                            context,
                            200,
                            new JsonObject()
                                    .put("original", original.id())
                                    .put("replay", ExchangeJson.detail(result.result())));
                }
            });
        } catch (DecodeException e) {
            json(context, 400, new JsonObject().put("error", "the body must be a JSON object: " + e.getMessage()));
        } catch (IllegalArgumentException | ClassCastException e) {
            json(context, 400, new JsonObject().put("error", e.getMessage()));
        }
    }

    /** The exchange in the path; when there is none the answer is already sent. */
    private ExchangeLookup lookup(RoutingContext context) {
        ExchangeLookup lookup = ExchangeLookup.find(store, context.pathParam("id"));
        if (!lookup.found()) {
            json(context, lookup.status(), new JsonObject().put("error", lookup.problem()));
        }
        return lookup;
    }

    private static void json(RoutingContext context, int status, JsonObject body) {
        context.response()
                .setStatusCode(status)
                .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
                .end(body.encodePrettily());
    }
}
