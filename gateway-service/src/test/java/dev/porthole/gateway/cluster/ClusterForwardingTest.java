package dev.porthole.gateway.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.porthole.gateway.registry.Route;
import dev.porthole.gateway.support.GatewayPortResource;
import dev.porthole.gateway.support.GatewayTestProfiles.ClusterMember;
import dev.porthole.gateway.support.TestAgent;
import dev.porthole.gateway.support.Upstreams;
import dev.porthole.gateway.support.Visitor;
import dev.porthole.protocol.message.Header;
import dev.porthole.protocol.message.HttpRequestHead;
import dev.porthole.protocol.message.TunnelRequest;
import dev.porthole.testing.RedisServerProcess;
import dev.porthole.testing.RedisTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.RedisAPI;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * One gateway of a cluster: it forwards requests for tunnels another instance holds (a stand-in
 * peer here, a plain HTTP server), accepts forwarded requests only with the internal credential,
 * and forwards a request at most once.
 */
@QuarkusTest
@TestProfile(ClusterMember.class)
@WithTestResource(RedisTestResource.class)
@WithTestResource(GatewayPortResource.class)
class ClusterForwardingTest {

    private static final String TOKEN = "Bearer test-token-0123456789";

    @Inject
    Vertx vertx;

    @Inject
    RedisAPI redis;

    private final List<HttpServerRequest> peerRequests = new CopyOnWriteArrayList<>();
    private HttpServer peer;
    private TestAgent agent;
    private Visitor visitor;

    @BeforeEach
    void startPeer() throws Exception {
        // The other instance: echoes the body and reports the headers it received.
        peer = vertx.createHttpServer().requestHandler(request -> {
            peerRequests.add(request);
            request.response().putHeader("X-Peer-Saw-Token", String.valueOf(request.getHeader(ClusterMembership.TOKEN_HEADER)))
                    .putHeader("X-Peer-Saw-Hop", String.valueOf(request.getHeader(ClusterMembership.HOP_HEADER)))
                    .putHeader("X-Peer-Saw-Forwarded-For", String.valueOf(request.getHeader("X-Forwarded-For")))
                    .putHeader("X-Peer-Saw-Host", String.valueOf(request.getHeader("Host")))
                    .setChunked(true);
            request.pipeTo(request.response());
        }).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
        visitor = new Visitor(vertx, GatewayPortResource.port());
    }

    @AfterEach
    void stop() throws Exception {
        peer.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
        if (agent != null) {
            agent.close();
            agent.closed.join();
        }
    }

    @Test
    void publishesItsInternalAddress() throws Exception {
        assertThat(get("porthole:gateway:" + ClusterMember.INSTANCE_ID)).isEqualTo(ClusterMember.INTERNAL_ADDRESS);
        long ttl = redis.pttl("porthole:gateway:" + ClusterMember.INSTANCE_ID).toCompletionStage().toCompletableFuture()
                .get(5, TimeUnit.SECONDS).toLong();
        assertThat(ttl).as("expires with the registry's ttl, so a dead instance's address goes away").isBetween(1L, 30_000L);
    }

    @Test
    void forwardsToTheInstanceTheRegistryNamesStreamingTheBodyBothWays() throws Exception {
        holdOnPeer("far", "gw-b", "127.0.0.1:" + peer.actualPort());
        byte[] body = new byte[300_000];
        new Random(7).nextBytes(body);
        Visitor.Reply reply = visitor.send(HttpMethod.POST, host("far"), "/upload?x=1", MultiMap.caseInsensitiveMultiMap(), Buffer.buffer(body));

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.body().getBytes()).isEqualTo(body);
        assertThat(reply.header("X-Peer-Saw-Token")).isEqualTo(ClusterMember.INTERNAL_TOKEN);
        assertThat(reply.header("X-Peer-Saw-Hop")).isEqualTo(ClusterMember.INSTANCE_ID);
        assertThat(reply.header("X-Peer-Saw-Forwarded-For")).isEqualTo("127.0.0.1");
        assertThat(reply.header("X-Peer-Saw-Host")).startsWith("far.porthole.test");
        assertThat(peerRequests.getLast().uri()).isEqualTo("/upload?x=1");
    }

    @Test
    void refusesAForwardedRequestWithoutTheInternalCredential() {
        visitor = new Visitor(vertx, GatewayPortResource.port());
        Visitor.Reply wrong = visitor.send(HttpMethod.GET, host("any"), "/", MultiMap.caseInsensitiveMultiMap()
                .add(ClusterMembership.TOKEN_HEADER, "cluster-token-0123456780").add(ClusterMembership.HOP_HEADER, "gw-x"), null);
        assertThat(wrong.status()).isEqualTo(403);
        assertThat(wrong.header("X-Porthole-Error")).isEqualTo("forward-refused");

        Visitor.Reply none = visitor.send(HttpMethod.GET, host("any"), "/", MultiMap.caseInsensitiveMultiMap()
                .add(ClusterMembership.HOP_HEADER, "gw-x"), null);
        assertThat(none.status()).isEqualTo(403);
        assertThat(none.text()).contains("valid gateway credential");
    }

    @Test
    void forwardsARequestAtMostOnce() throws Exception {
        holdOnPeer("bounce", "gw-b", "127.0.0.1:" + peer.actualPort());
        Visitor.Reply reply = visitor.send(HttpMethod.GET, host("bounce"), "/", forwardedBy("gw-c"), null);

        assertThat(reply.status()).isEqualTo(502);
        assertThat(reply.header("X-Porthole-Error")).isEqualTo("forward-hop-limit");
        assertThat(reply.text()).contains("forwarded at most once");
        assertThat(peerRequests).as("the second hop never happens").isEmpty();
    }

    @Test
    void servesAForwardedRequestKeepingTheVisitorsForwardedHeaders() {
        agent = TestAgent.connect(vertx, GatewayPortResource.port(), TOKEN, "agent-near", List.of(TunnelRequest.http("near", "x:1")));
        assertThat(agent.awaitWelcome().tunnels().getFirst().granted()).isTrue();
        agent.serving(Upstreams.respond(200, "near upstream"));
        MultiMap headers = forwardedBy("gw-b").add("X-Forwarded-For", "203.0.113.9").add("X-Forwarded-Proto", "https")
                .add("X-Forwarded-Host", "near.example.org");

        Visitor.Reply reply = visitor.send(HttpMethod.GET, host("near"), "/a", headers, null);

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.text()).isEqualTo("near upstream");
        HttpRequestHead head = agent.opened.getLast().request();
        assertThat(header(head, "X-Forwarded-For")).isEqualTo("203.0.113.9");
        assertThat(header(head, "X-Forwarded-Proto")).isEqualTo("https");
        assertThat(header(head, "X-Forwarded-Host")).isEqualTo("near.example.org");
        assertThat(header(head, ClusterMembership.TOKEN_HEADER)).as("the credential never reaches an agent").isNull();
        assertThat(header(head, ClusterMembership.HOP_HEADER)).isNull();
    }

    @Test
    void refusesToForwardAnUpgradeAndSaysWhy() throws Exception {
        holdOnPeer("socket", "gw-b", "127.0.0.1:" + peer.actualPort());
        Visitor.Reply reply = visitor.send(HttpMethod.GET, host("socket"), "/ws", MultiMap.caseInsensitiveMultiMap()
                .add("Connection", "Upgrade").add("Upgrade", "websocket"), null);

        assertThat(reply.status()).isEqualTo(502);
        assertThat(reply.header("X-Porthole-Error")).isEqualTo("cluster-upgrade-unsupported");
        assertThat(peerRequests).isEmpty();
    }

    @Test
    void movesOnToTheNextHolderWhenOneRefusesTheConnection() throws Exception {
        // An agent with HA connections on two instances; the one refreshed last was killed a moment ago and refuses connections.
        int dead = RedisServerProcess.freePort();
        long now = System.currentTimeMillis();
        set("porthole:route:http:pair", new JsonObject().put("clientId", "client-1").put("agentId", "agent-1").put("owner", "client-1/agent-1")
                .put("ha", true).put("gatewayId", "gw-killed").put("sessionId", "s-1")
                .put("holders", new JsonArray()
                        .add(new JsonObject().put("gatewayId", "gw-killed").put("sessionId", "s-1").put("expiresAt", now + 60_000))
                        .add(new JsonObject().put("gatewayId", "gw-b").put("sessionId", "s-2").put("expiresAt", now + 30_000)))
                .encode());
        set("porthole:gateway:gw-killed", "127.0.0.1:" + dead);
        set("porthole:gateway:gw-b", "127.0.0.1:" + peer.actualPort());

        Visitor.Reply reply = visitor.send(HttpMethod.POST, host("pair"), "/echo", MultiMap.caseInsensitiveMultiMap(), Buffer.buffer("to the survivor"));

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.text()).isEqualTo("to the survivor");
        assertThat(peerRequests).hasSize(1);
    }

    @Test
    void answersAgentOfflineWhenTheHoldingInstanceIsGone() throws Exception {
        String route = new Route("gw-dead", "s-1", "client-1", "agent-1").toJson();
        set("porthole:route:http:orphan", route);
        Visitor.Reply reply = visitor.get(host("orphan"), "/");

        assertThat(reply.status()).isEqualTo(502);
        assertThat(reply.header("X-Porthole-Error")).isEqualTo("agent-offline");
        assertThat(reply.text()).contains("gw-dead", "which is gone");
    }

    @Test
    void answersServiceUnavailableWhenTheRegistryCannotAnswer() throws Exception {
        // A key of the wrong type makes Redis fail the lookup, as an unreachable Redis would.
        redis.rpush(List.of("porthole:route:http:broken", "not-a-route")).toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
        Visitor.Reply reply = visitor.get(host("broken"), "/");

        assertThat(reply.status()).isEqualTo(503);
        assertThat(reply.header("X-Porthole-Error")).isEqualTo("registry-unavailable");
        assertThat(reply.header("Retry-After")).isEqualTo("1");
    }

    @Test
    void answersNotFoundWhenNoInstanceHoldsTheTunnel() {
        Visitor.Reply reply = visitor.get(host("nobody-here"), "/");
        assertThat(reply.status()).isEqualTo(404);
        assertThat(reply.header("X-Porthole-Error")).isEqualTo("tunnel-not-found");
    }

    private void holdOnPeer(String tunnel, String gatewayId, String address) throws Exception {
        set("porthole:route:http:" + tunnel, new Route(gatewayId, "s-" + tunnel, "client-1", "agent-1").toJson());
        set("porthole:gateway:" + gatewayId, address);
    }

    private static MultiMap forwardedBy(String gatewayId) {
        return MultiMap.caseInsensitiveMultiMap().add(ClusterMembership.TOKEN_HEADER, ClusterMember.INTERNAL_TOKEN)
                .add(ClusterMembership.HOP_HEADER, gatewayId);
    }

    private void set(String key, String value) throws Exception {
        redis.set(List.of(key, value, "PX", "60000")).toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    }

    private String get(String key) throws Exception {
        CompletableFuture<String> value = redis.get(key).map(r -> r == null ? null : r.toString()).toCompletionStage().toCompletableFuture();
        return value.get(5, TimeUnit.SECONDS);
    }

    private static String host(String name) {
        return name + ".porthole.test:" + GatewayPortResource.port();
    }

    private static String header(HttpRequestHead head, String name) {
        return head.headers().stream().filter(h -> h.name().equalsIgnoreCase(name)).map(Header::value).findFirst().orElse(null);
    }
}
