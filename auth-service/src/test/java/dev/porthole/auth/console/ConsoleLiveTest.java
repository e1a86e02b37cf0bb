package dev.porthole.auth.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.porthole.auth.testing.AdminApi;
import dev.porthole.testing.RedisTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import jakarta.inject.Inject;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The console's live pages over websockets-next: only a logged-in operator's console page may open one; tables and events arrive. */
@QuarkusTest
@WithTestResource(RedisTestResource.class)
class ConsoleLiveTest {

    private static final Duration UPDATE = Duration.ofSeconds(15);

    @Inject
    Vertx vertx;

    @TestHTTPResource("/")
    URI base;

    private WebSocketClient client;

    @BeforeEach
    void client() {
        client = vertx.createWebSocketClient();
    }

    @AfterEach
    void close() {
        client.close();
    }

    private String origin() {
        return "http://" + base.getHost() + ":" + base.getPort();
    }

    /** Opens a live page as a browser would; its messages go to {@code messages}, its close code to {@code closed}. */
    private WebSocket open(String path, String cookie, String origin, List<JsonObject> messages, AtomicInteger closed)
            throws Exception {
        WebSocketConnectOptions options = new WebSocketConnectOptions()
                .setHost(base.getHost())
                .setPort(base.getPort())
                .setURI(path);
        if (origin != null) {
            options.addHeader("Origin", origin);
        } else {
            options.setAllowOriginHeader(false);
        }
        if (cookie != null) {
            options.addHeader("Cookie", ConsoleLogin.COOKIE + "=" + cookie);
        }
        // From an event loop, so that the handlers are in place as the connection completes: from the test's
        // thread the success callback runs one task later, and a first message sent at once could be dropped.
        Promise<WebSocket> connected = Promise.promise();
        vertx.getOrCreateContext()
                .runOnContext(ignored -> client.connect(options)
                        .onSuccess(socket -> {
                            socket.textMessageHandler(text -> messages.add(new JsonObject(text)));
                            socket.closeHandler(closedNow ->
                                    closed.set(socket.closeStatusCode() == null ? -1 : socket.closeStatusCode()));
                        })
                        .onComplete(connected));
        return connected.future().toCompletionStage().toCompletableFuture().get();
    }

    private void assertRefused(String path, String cookie, String origin, int status) {
        assertThatThrownBy(() -> open(path, cookie, origin, new CopyOnWriteArrayList<>(), new AtomicInteger()))
                .isInstanceOf(ExecutionException.class)
                .cause()
                .isInstanceOf(UpgradeRejectedException.class)
                .satisfies(e ->
                        assertThat(((UpgradeRejectedException) e).getStatus()).isEqualTo(status));
    }

    @Test
    void anUpgradeWithoutAConsoleSessionIsRefused() {
        assertRefused("/console/live/sessions", null, origin(), 401);
        assertRefused("/console/live/events", "eyJhbGciOiJIUzI1NiJ9.e30.forged", origin(), 401);
        assertRefused("/console/live/sessions", AdminApi.adminJwt() + "x", origin(), 401);
    }

    @Test
    void anUpgradeFromAnotherSiteIsRefusedEvenWithTheCookie() {
        String cookie = ConsoleLogin.login().cookie();
        assertRefused("/console/live/sessions", cookie, "https://evil.example", 403);
        assertRefused("/console/live/sessions", cookie, null, 403);
    }

    @Test
    void aLoggedInSessionsPageGetsTheTable() throws Exception {
        String cookie = ConsoleLogin.login().cookie();
        List<JsonObject> messages = new CopyOnWriteArrayList<>();
        open("/console/live/sessions", cookie, origin(), messages, new AtomicInteger());
        await().atMost(UPDATE).until(() -> !messages.isEmpty());
        assertThat(messages.getFirst().getString("rows")).contains("<tr");
    }

    @Test
    void anEventsPageGetsNewEventsOfItsTypeAsRows() throws Exception {
        String cookie = ConsoleLogin.login().cookie();
        List<JsonObject> messages = new CopyOnWriteArrayList<>();
        open("/console/live/events?type=client.created", cookie, origin(), messages, new AtomicInteger());
        String disabled = AdminApi.uniqueId("live-off");
        AdminApi.createClient(disabled, Map.of());
        AdminApi.asAdmin()
                .when()
                .post("/api/v1/clients/" + disabled + "/disable")
                .then()
                .statusCode(200);
        String created = AdminApi.uniqueId("live-ev");
        AdminApi.createClient(created, Map.of());
        await().atMost(UPDATE)
                .until(() ->
                        messages.stream().anyMatch(m -> m.getString("row", "").contains(created)));
        assertThat(messages)
                .allSatisfy(m -> assertThat(m.getString("row"))
                        .contains("client.created")
                        .doesNotContain("client.disabled"));
    }

    @Test
    void aPageWhoseSessionIsLoggedOutIsClosed() throws Exception {
        ConsoleLogin session = ConsoleLogin.login();
        AtomicInteger closed = new AtomicInteger();
        open("/console/live/sessions", session.cookie(), origin(), new CopyOnWriteArrayList<>(), closed);
        session.form().when().post("/console/logout").then().statusCode(303);
        await().atMost(UPDATE).until(() -> closed.get() == 1008);
    }
}
