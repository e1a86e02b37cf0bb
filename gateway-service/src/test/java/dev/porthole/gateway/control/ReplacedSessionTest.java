package dev.porthole.gateway.control;

import static dev.porthole.gateway.support.TestAgent.TOKEN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.porthole.gateway.registry.LocalRoutes;
import dev.porthole.gateway.registry.TunnelOwner;
import dev.porthole.gateway.support.GatewayPortResource;
import dev.porthole.gateway.support.GatewayTestProfiles.LongDrain;
import dev.porthole.gateway.support.TestAgent;
import dev.porthole.gateway.support.Visitor;
import dev.porthole.protocol.CloseCode;
import dev.porthole.protocol.message.Header;
import dev.porthole.protocol.message.HttpResponseHead;
import dev.porthole.protocol.message.TunnelRequest;
import dev.porthole.protocol.mux.MuxStream;
import dev.porthole.testing.RedisTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A session whose tunnels a newer session of its agent took over keeps serving the requests it
 * carries, and closes as soon as the last of them ends: long before the drain timeout, which only
 * bounds the wait.
 */
@QuarkusTest
@TestProfile(LongDrain.class)
@WithTestResource(RedisTestResource.class)
@WithTestResource(GatewayPortResource.class)
class ReplacedSessionTest {

    @Inject
    Vertx vertx;

    @Inject
    LocalRoutes routes;

    @Test
    void aReplacedSessionFinishesItsRequestAndClosesWhenItsLastStreamEnds() throws Exception {
        List<TunnelRequest> tunnels = List.of(TunnelRequest.http("replaced", "x:1"));
        CompletableFuture<MuxStream> held = new CompletableFuture<>();
        TestAgent old = TestAgent.connect(vertx, GatewayPortResource.port(), TOKEN, "agent-replaced", tunnels)
                .serving((stream, open) -> {
                    stream.handler(data -> {});
                    held.complete(stream);
                });
        old.awaitWelcome();
        Visitor visitor = new Visitor(vertx, GatewayPortResource.port());
        CompletableFuture<Visitor.Reply> reply = CompletableFuture.supplyAsync(() -> visitor.send(
                HttpMethod.GET,
                "replaced.porthole.test:" + GatewayPortResource.port(),
                "/",
                MultiMap.caseInsensitiveMultiMap(),
                null));
        MuxStream inFlight = held.get(20, TimeUnit.SECONDS);

        TestAgent newer = TestAgent.connect(vertx, GatewayPortResource.port(), TOKEN, "agent-replaced", tunnels);
        String newerSession = newer.awaitWelcome().sessionId();
        await().atMost(Duration.ofSeconds(20))
                .until(() -> routes.http("replaced")
                        .map(TunnelOwner::sessionId)
                        .filter(newerSession::equals)
                        .isPresent());
        assertThat(old.closed)
                .as("the replaced session still carries a request")
                .isNotDone();

        Buffer body = Buffer.buffer("finished by the replaced session");
        inFlight.respond(
                new HttpResponseHead(200, "", List.of(new Header("Content-Length", String.valueOf(body.length())))));
        inFlight.end(body);
        Visitor.Reply answer = reply.get(20, TimeUnit.SECONDS);
        assertThat(answer.status()).as(answer.text()).isEqualTo(200);
        assertThat(answer.text()).isEqualTo("finished by the replaced session");
        await("the replaced session closes once its last stream ended, not at the 10 min drain timeout")
                .atMost(Duration.ofSeconds(60))
                .until(() -> old.closed.isDone());
        assertThat(old.closeCode()).isEqualTo(CloseCode.SESSION_REPLACED.code());
        assertThat(newer.closed).isNotDone();
        newer.close();
    }
}
