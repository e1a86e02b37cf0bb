package dev.porthole.agent.inspect;

import static org.assertj.core.api.Assertions.assertThat;

import dev.porthole.agent.demo.DemoServer;
import dev.porthole.agent.upstream.UpstreamAddress;
import dev.porthole.protocol.message.Header;
import dev.porthole.protocol.message.HttpRequestHead;
import dev.porthole.protocol.message.HttpResponseHead;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The inspector's JSON API and pages against a real upstream (the demo server), over real HTTP. */
class InspectorApiTest {

    private static final String WEBHOOK = "{\"event\":\"push\",\"repository\":\"porthole\"}";

    private final HttpClient http = HttpClient.newHttpClient();
    private Vertx vertx;
    private ExchangeStore store;
    private UpstreamAddress upstream;
    private int port;

    @BeforeEach
    void start() throws Exception {
        vertx = Vertx.vertx();
        int upstreamPort = new DemoServer(vertx)
                .start("127.0.0.1", 0)
                .toCompletionStage()
                .toCompletableFuture()
                .get();
        upstream = new UpstreamAddress("127.0.0.1", upstreamPort);
        store = new ExchangeStore(100, 1_000_000, 1024, Clock.systemUTC());
        InspectorServer server = new InspectorServer(
                vertx, store, new Replayer(vertx, store, Duration.ofSeconds(5)), new InspectorPages(), true);
        port = server.listen("127.0.0.1", 0)
                .toCompletionStage()
                .toCompletableFuture()
                .get()
                .actualPort();
    }

    @AfterEach
    void stop() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get();
    }

    /** Records a webhook as the HTTP upstream would while relaying it. */
    private CapturedExchange webhook(String body) {
        CapturedExchange exchange = store.record(
                "hooks",
                upstream,
                new HttpRequestHead(
                        "POST",
                        "/headers?source=test",
                        List.of(
                                new Header("Host", "hooks.example.com"),
                                new Header("Content-Type", "application/json"),
                                new Header("Content-Length", String.valueOf(body.length())))),
                new BodyCapture(store.bodyCap()),
                null);
        exchange.requestBody(Buffer.buffer(body));
        exchange.responseHead(new HttpResponseHead(200, "OK", List.of(new Header("Content-Type", "application/json"))));
        exchange.responseBody(Buffer.buffer("{\"ok\":true}"));
        exchange.completed();
        return exchange;
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String path, String contentType, String body, String... headers)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", contentType);
        if (headers.length > 0) {
            request.headers(headers);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void listsRequestsNewestFirst() throws Exception {
        webhook(WEBHOOK);
        CapturedExchange second = webhook("{}");
        HttpResponse<String> response = get("/api/requests");
        assertThat(response.statusCode()).isEqualTo(200);
        JsonObject list = new JsonObject(response.body());
        JsonArray requests = list.getJsonArray("requests");
        assertThat(requests).hasSize(2);
        assertThat(requests.getJsonObject(0).getLong("id")).isEqualTo(second.id());
        assertThat(requests.getJsonObject(0).getString("method")).isEqualTo("POST");
        assertThat(requests.getJsonObject(0).getInteger("status")).isEqualTo(200);
        assertThat(list.getJsonObject("limits").getInteger("bodyCap")).isEqualTo(1024);
    }

    @Test
    void showsOneRequestWithHeadersBodiesAndTimings() throws Exception {
        CapturedExchange hook = webhook(WEBHOOK);
        JsonObject detail = new JsonObject(get("/api/requests/" + hook.id()).body());
        JsonObject requestBody = detail.getJsonObject("request").getJsonObject("body");
        assertThat(requestBody.getString("kind")).isEqualTo("json");
        assertThat(requestBody.getString("text")).contains("\"event\" : \"push\"");
        assertThat(requestBody.getBoolean("truncated")).isFalse();
        assertThat(detail.getJsonObject("request")
                        .getJsonArray("headers")
                        .getJsonObject(1)
                        .getString("value"))
                .isEqualTo("application/json");
        assertThat(detail.getJsonObject("response").getInteger("status")).isEqualTo(200);
        assertThat(detail.getLong("timeToHeadMs")).isNotNull();
    }

    @Test
    void replaysWithAnEditedHeaderToTheUpstreamAndListsTheReplay() throws Exception {
        CapturedExchange hook = webhook(WEBHOOK);
        String edits = new JsonObject()
                .put(
                        "headers",
                        new JsonArray()
                                .add(new JsonObject()
                                        .put("name", "Content-Type")
                                        .put("value", "application/json"))
                                .add(new JsonObject()
                                        .put("name", "X-Replayed-By")
                                        .put("value", "inspector-test")))
                .encode();
        HttpResponse<String> response = post("/api/requests/" + hook.id() + "/replay", "application/json", edits);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonObject replay = new JsonObject(response.body()).getJsonObject("replay");
        assertThat(replay.getLong("replayOf")).isEqualTo(hook.id());
        assertThat(replay.getInteger("status")).isEqualTo(200);
        // The demo upstream's /headers answers with the headers it received.
        assertThat(replay.getJsonObject("response").getJsonObject("body").getString("text"))
                .contains("\"x-replayed-by\" : \"inspector-test\"")
                .contains("\"method\" : \"POST\"");
        JsonArray list = new JsonObject(get("/api/requests").body()).getJsonArray("requests");
        assertThat(list.getJsonObject(0).getLong("replayOf")).isEqualTo(hook.id());
    }

    @Test
    void replaysUnchangedWithAnEmptyBodyAndEditsMethodAndPath() throws Exception {
        CapturedExchange hook = webhook(WEBHOOK);
        HttpResponse<String> unchanged = post("/api/requests/" + hook.id() + "/replay", "application/json", "");
        assertThat(new JsonObject(unchanged.body()).getJsonObject("replay").getString("uri"))
                .isEqualTo("/headers?source=test");
        HttpResponse<String> edited = post(
                "/api/requests/" + hook.id() + "/replay",
                "application/json",
                "{\"method\":\"put\",\"path\":\"/echo\",\"body\":\"new body\"}");
        JsonObject replay = new JsonObject(edited.body()).getJsonObject("replay");
        assertThat(replay.getString("method")).isEqualTo("PUT");
        assertThat(replay.getJsonObject("response").getJsonObject("body").getString("base64"))
                .isEqualTo(java.util.Base64.getEncoder().encodeToString("new body".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void refusesToReplayABodyCutAtTheCapUnlessOneIsGiven() throws Exception {
        CapturedExchange big = webhook("{\"data\":\"" + "x".repeat(2000) + "\"}");
        HttpResponse<String> refused = post("/api/requests/" + big.id() + "/replay", "application/json", "{}");
        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(new JsonObject(refused.body()).getString("error"))
                .contains("was cut at the capture cap (1024 bytes of 2011)")
                .contains("give the body");
        HttpResponse<String> withBody =
                post("/api/requests/" + big.id() + "/replay", "application/json", "{\"body\":\"{}\"}");
        assertThat(withBody.statusCode()).isEqualTo(200);
    }

    @Test
    void answersBadInputWithClearErrors() throws Exception {
        CapturedExchange hook = webhook(WEBHOOK);
        assertThat(get("/api/requests/999").statusCode()).isEqualTo(404);
        assertThat(new JsonObject(get("/api/requests/999").body()).getString("error"))
                .contains("no request 999");
        assertThat(get("/api/requests/abc").statusCode()).isEqualTo(400);
        HttpResponse<String> badFilter = get("/api/requests?status=200");
        assertThat(badFilter.statusCode()).isEqualTo(400);
        assertThat(badFilter.body()).contains("must be one of 2xx, 3xx, 4xx, 5xx");
        HttpResponse<String> badEdit = post(
                "/api/requests/" + hook.id() + "/replay", "application/json", "{\"method\":\"G ET\",\"colour\":1}");
        assertThat(badEdit.statusCode()).isEqualTo(400);
        assertThat(badEdit.body()).contains("unknown fields [colour]");
        HttpResponse<String> badMethod = post(
                "/api/requests/" + hook.id() + "/replay", "application/json", "{\"method\":\"G ET\",\"path\":\"x\"}");
        assertThat(new JsonObject(badMethod.body()).getString("error"))
                .contains("method 'G ET' is not an HTTP method")
                .contains("path 'x' must start with /");
        assertThat(post("/api/requests/" + hook.id() + "/replay", "application/json", "[1]")
                        .statusCode())
                .isEqualTo(400);
    }

    @Test
    void theListShowsEachTunnelsPublicAddressAndClearForgetsEveryRequest() throws Exception {
        JsonObject status = new JsonObject()
                .put(
                        "tunnels",
                        new JsonArray()
                                .add(new JsonObject()
                                        .put("name", "web")
                                        .put("address", "https://brave-otter.example.com")
                                        .put("upstream", "127.0.0.1:3000")
                                        .put("state", "serving"))
                                .add(new JsonObject()
                                        .put("name", "db")
                                        .put("address", "")
                                        .put("upstream", "127.0.0.1:5432")
                                        .put("state", "waiting")));
        InspectorServer withStatus = new InspectorServer(
                        vertx, store, new Replayer(vertx, store, Duration.ofSeconds(5)), new InspectorPages(), true)
                .withStatus(() -> status);
        port = withStatus
                .listen("127.0.0.1", 0)
                .toCompletionStage()
                .toCompletableFuture()
                .get()
                .actualPort();
        webhook(WEBHOOK);
        assertThat(get("/").body())
                .contains("<a href=\"https://brave-otter.example.com\">https://brave-otter.example.com</a>")
                .contains("<strong>db</strong>: <span class=\"meta\">waiting</span>");

        assertThat(post("/clear", "application/x-www-form-urlencoded", "", "Origin", "https://evil.example")
                        .statusCode())
                .as("another site cannot clear the list")
                .isEqualTo(403);
        assertThat(store.size()).isEqualTo(1);
        HttpResponse<String> cleared =
                post("/clear", "application/x-www-form-urlencoded", "", "Origin", "http://127.0.0.1:" + port);
        assertThat(cleared.statusCode()).isEqualTo(303);
        assertThat(cleared.headers().firstValue("Location")).contains("/");
        assertThat(store.size()).isZero();
        assertThat(get("/").body()).contains("No requests yet");
    }

    @Test
    void rendersTheListAndTheDetailPageEscapingCapturedText() throws Exception {
        CapturedExchange hook = webhook("{\"html\":\"<script>alert(1)</script>\"}");
        HttpResponse<String> list = get("/");
        assertThat(list.statusCode()).isEqualTo(200);
        assertThat(list.body())
                .contains("href=\"/requests/" + hook.id() + "\">/headers?source=test</a>")
                .contains("<th scope=\"col\">Status</th>");
        assertThat(get("/?status=4xx").body()).contains("No requests match the filter");
        HttpResponse<String> detail = get("/requests/" + hook.id());
        assertThat(detail.statusCode()).isEqualTo(200);
        assertThat(detail.body())
                .contains("&lt;script&gt;alert(1)&lt;/script&gt;")
                .doesNotContain("<script>alert(1)</script>")
                .contains("<label for=\"replay-headers\">");
        assertThat(get("/static/htmx.min.js").statusCode()).isEqualTo(200);
    }

    @Test
    void showsARequestInProgressAsPendingAndRefreshesItsPage() throws Exception {
        CapturedExchange waiting = store.record(
                "hooks", upstream, new HttpRequestHead("GET", "/slow", List.of()), new BodyCapture(16), null);
        assertThat(get("/").body())
                .contains("<tr class=\"pending\" id=\"request-" + waiting.id() + "\">")
                .contains("…");
        assertThat(get("/requests/" + waiting.id()).body()).contains("this page refreshes until the exchange ends");
        HttpResponse<String> replay = post("/api/requests/" + waiting.id() + "/replay", "application/json", "");
        assertThat(replay.statusCode()).isEqualTo(400);
        assertThat(replay.body()).contains("still in progress");
        waiting.responseHead(new HttpResponseHead(204, "No Content", List.of()));
        waiting.completed();
        assertThat(get("/requests/" + waiting.id()).body())
                .doesNotContain("this page refreshes")
                .contains("204 No Content");
    }

    @Test
    void theReplayFormShowsTheNewResponseNextToTheOld() throws Exception {
        CapturedExchange hook = webhook(WEBHOOK);
        String form =
                "method=POST&path=%2Fheaders&headers=Content-Type%3A+application%2Fjson%0D%0AX-Edited%3A+yes&body=%7B%7D";
        HttpResponse<String> response = post(
                "/requests/" + hook.id() + "/replay", "application/x-www-form-urlencoded", form, "HX-Request", "true");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body())
                .contains("Replay #" + (hook.id() + 1) + " of #" + hook.id())
                .contains("aria-label=\"Original response\"")
                .contains("&quot;x-edited&quot; : &quot;yes&quot;");
        HttpResponse<String> refused = post(
                "/requests/" + hook.id() + "/replay",
                "application/x-www-form-urlencoded",
                "headers=nocolon",
                "HX-Request",
                "true");
        assertThat(refused.body())
                .contains("role=\"alert\"")
                .contains("header line 1 &#39;nocolon&#39; is not written as Name: value");
    }

    @Test
    void refusesForeignHostNamesAndCrossSitePosts() throws Exception {
        assertThat(rawStatus("GET / HTTP/1.1\r\nHost: evil.example:" + port + "\r\n\r\n"))
                .isEqualTo(403);
        CapturedExchange hook = webhook(WEBHOOK);
        HttpResponse<String> crossSite = post(
                "/api/requests/" + hook.id() + "/replay", "application/json", "{}", "Origin", "http://evil.example");
        assertThat(crossSite.statusCode()).isEqualTo(403);
        HttpResponse<String> sameSite = post(
                "/api/requests/" + hook.id() + "/replay",
                "application/json",
                "{}",
                "Origin",
                "http://127.0.0.1:" + port);
        assertThat(sameSite.statusCode()).isEqualTo(200);
    }

    private int rawStatus(String request) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            String statusLine = new String(in.readNBytes(12), StandardCharsets.US_ASCII);
            return Integer.parseInt(statusLine.substring(9, 12));
        }
    }
}
