package dev.porthole.gateway.cluster;

import static dev.porthole.gateway.support.TestAgent.TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

import dev.porthole.gateway.registry.Route;
import dev.porthole.gateway.support.GatewayPortResource;
import dev.porthole.gateway.support.GatewayTestProfiles.ClusterMember;
import dev.porthole.gateway.support.TcpRangeResource;
import dev.porthole.gateway.support.TestAgent;
import dev.porthole.gateway.support.Upstreams;
import dev.porthole.gateway.support.Visitor;
import dev.porthole.protocol.message.Header;
import dev.porthole.protocol.message.HttpRequestHead;
import dev.porthole.testing.FreePorts;
import dev.porthole.testing.RedisTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
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
@WithTestResource(TcpRangeResource.class)
class ClusterForwardingTest extends StandInPeerFixture {

    @Test
    void publishesItsInternalAddress() throws Exception {
        assertThat(get("porthole:gateway:" + ClusterMember.INSTANCE_ID)).isEqualTo(ClusterMember.INTERNAL_ADDRESS);
        long ttl = redis.pttl("porthole:gateway:" + ClusterMember.INSTANCE_ID)
                .toCompletionStage()
                .toCompletableFuture()
                .get(5, TimeUnit.SECONDS)
                .toLong();
        assertThat(ttl)
                .as("expires with the registry's ttl, so a dead instance's address goes away")
                .isBetween(1L, 30_000L);
    }

    @Test
    void forwardsToTheInstanceTheRegistryNamesStreamingTheBodyBothWays() throws Exception {
        holdOnPeer("far", "gw-b", "127.0.0.1:" + peer.actualPort());
        byte[] body = new byte[300_000];
        new Random(7).nextBytes(body);
        Visitor.Reply reply = visitor.send(
                HttpMethod.POST, host("far"), "/upload?x=1", MultiMap.caseInsensitiveMultiMap(), Buffer.buffer(body));

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
        Visitor.Reply wrong = visitor.send(
                HttpMethod.GET,
                host("any"),
                "/",
                MultiMap.caseInsensitiveMultiMap()
                        .add(ClusterMembership.TOKEN_HEADER, "cluster-token-0123456780")
                        .add(ClusterMembership.HOP_HEADER, "gw-x"),
                null);
        assertThat(wrong.status()).isEqualTo(403);
        assertThat(wrong.header("X-Porthole-Error")).isEqualTo("forward-refused");

        Visitor.Reply none = visitor.send(
                HttpMethod.GET,
                host("any"),
                "/",
                MultiMap.caseInsensitiveMultiMap().add(ClusterMembership.HOP_HEADER, "gw-x"),
                null);
        assertThat(none.status()).isEqualTo(403);
        assertThat(none.text()).contains("valid gateway credential");
    }

    @Test
    void forwardsARequestAtMostOnce() throws Exception {
        holdOnPeer("bounce", "gw-b", "127.0.0.1:" + peer.actualPort());
        Visitor.Reply reply = visitor.send(HttpMethod.GET, host("bounce"), "/", forwardedBy("gw-c"), null);

        assertThat(reply.status()).isEqualTo(502);
        assertThat(reply.header("X-Porthole-Error")).isEqualTo("forward-hop-limit");
        assertThat(reply.text())
                .contains("forwarded at most once")
                .doesNotContain(ClusterMember.INSTANCE_ID)
                .doesNotContain("gw-c");
        assertThat(peerRequests).as("the second hop never happens").isEmpty();
    }

    @Test
    void servesAForwardedRequestKeepingTheVisitorsForwardedHeaders() {
        agent = TestAgent.connectHttp(vertx, TOKEN, "agent-near", "near");
        assertThat(agent.awaitWelcome().tunnels().getFirst().granted()).isTrue();
        agent.serving(Upstreams.respond(200, "near upstream"));
        MultiMap headers = forwardedBy("gw-b")
                .add("X-Forwarded-For", "203.0.113.9")
                .add("X-Forwarded-Proto", "https")
                .add("X-Forwarded-Host", "near.example.org");

        Visitor.Reply reply = visitor.send(HttpMethod.GET, host("near"), "/a", headers, null);

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.text()).isEqualTo("near upstream");
        HttpRequestHead head = agent.opened.getLast().request();
        assertThat(header(head, "X-Forwarded-For")).isEqualTo("203.0.113.9");
        assertThat(header(head, "X-Forwarded-Proto")).isEqualTo("https");
        assertThat(header(head, "X-Forwarded-Host")).isEqualTo("near.example.org");
        assertThat(header(head, ClusterMembership.TOKEN_HEADER))
                .as("the credential never reaches an agent")
                .isNull();
        assertThat(header(head, ClusterMembership.HOP_HEADER)).isNull();
    }

    @Test
    void forwardsAnUpgradeAndJoinsTheVisitorToTheHoldingInstance() throws Exception {
        holdOnPeer("socket", "gw-b", "127.0.0.1:" + peer.actualPort());
        RequestOptions options = new RequestOptions()
                .setMethod(HttpMethod.GET)
                .setHost("127.0.0.1")
                .setPort(GatewayPortResource.port())
                .setURI("/ws")
                .putHeader("Host", host("socket"))
                .putHeader("Connection", "Upgrade")
                .putHeader("Upgrade", "websocket")
                .putHeader("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==");
        Upgraded upgraded = visitor.call(http -> http.request(options)
                .compose(HttpClientRequest::connect)
                .compose(response -> {
                    if (response.statusCode() != 101) {
                        return response.body()
                                .map(body -> new Upgraded(response.statusCode(), response.headers(), body.toString()));
                    }
                    return echo(response.netSocket(), "ping through")
                            .map(text -> new Upgraded(101, response.headers(), text));
                }));

        assertThat(upgraded.status()).as(upgraded.text()).isEqualTo(101);
        assertThat(upgraded.headers().get("Sec-WebSocket-Accept"))
                .as("the holder's 101 head reaches the visitor")
                .isEqualTo("peer-accept");
        assertThat(upgraded.headers().get("Upgrade")).isEqualTo("websocket");
        assertThat(upgraded.text()).isEqualTo("ping through");
        HttpServerRequest seen = peerRequests.getLast();
        assertThat(seen.getHeader(ClusterMembership.TOKEN_HEADER)).isEqualTo(ClusterMember.INTERNAL_TOKEN);
        assertThat(seen.getHeader("Upgrade"))
                .as("the upgrade is asked for on the hop")
                .isEqualTo("websocket");
    }

    @Test
    void movesOnToTheNextHolderWhenOneRefusesTheConnection() throws Exception {
        // An agent with HA connections on two instances; the one refreshed last was killed a moment ago and refuses
        // connections.
        int dead = FreePorts.loopback();
        long now = System.currentTimeMillis();
        set(
                "porthole:route:http:{pair}",
                new JsonObject()
                        .put("clientId", "client-1")
                        .put("agentId", "agent-1")
                        .put("owner", "client-1/agent-1")
                        .put("ha", true)
                        .put("gatewayId", "gw-killed")
                        .put("sessionId", "s-1")
                        .put(
                                "holders",
                                new JsonArray()
                                        .add(new JsonObject()
                                                .put("gatewayId", "gw-killed")
                                                .put("sessionId", "s-1")
                                                .put("expiresAt", now + 60_000))
                                        .add(new JsonObject()
                                                .put("gatewayId", "gw-b")
                                                .put("sessionId", "s-2")
                                                .put("expiresAt", now + 30_000)))
                        .encode());
        set("porthole:gateway:gw-killed", "127.0.0.1:" + dead);
        set("porthole:gateway:gw-b", "127.0.0.1:" + peer.actualPort());

        Visitor.Reply reply = visitor.send(
                HttpMethod.POST,
                host("pair"),
                "/echo",
                MultiMap.caseInsensitiveMultiMap(),
                Buffer.buffer("to the survivor"));

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.text()).isEqualTo("to the survivor");
        assertThat(peerRequests).hasSize(1);
    }

    @Test
    void sendsARequestWithoutBodyAgainWhenTheHolderClosesTheConnectionUnderIt() throws Exception {
        holdOnPeer("closing", "gw-b", "127.0.0.1:" + peer.actualPort());

        Visitor.Reply reply = visitor.get(host("closing"), "/closed-once");

        assertThat(reply.status()).as(reply.text()).isEqualTo(200);
        assertThat(peerRequests)
                .as("sent, cut, and sent again after a second look at the registry")
                .hasSize(2);
    }

    @Test
    void doesNotSendARequestWithABodyAgainWhenTheHolderClosesTheConnectionUnderIt() throws Exception {
        holdOnPeer("closing", "gw-b", "127.0.0.1:" + peer.actualPort());

        Visitor.Reply reply = visitor.send(
                HttpMethod.POST,
                host("closing"),
                "/closed-once",
                MultiMap.caseInsensitiveMultiMap(),
                Buffer.buffer("sent once at most"));

        assertThat(reply.status()).isEqualTo(502);
        assertThat(reply.header("X-Porthole-Error")).isEqualTo("gateway-unreachable");
        assertThat(reply.text())
                .as("gateway ids and internal addresses stay in the logs")
                .doesNotContain("gw-b")
                .doesNotContain("127.0.0.1");
        assertThat(peerRequests)
                .as("a body that may have been taken is never sent twice")
                .hasSize(1);
    }

    @Test
    void answersAgentOfflineWhenTheHoldingInstanceIsGone() throws Exception {
        String route = new Route("gw-dead", "s-1", "client-1", "agent-1").toJson();
        set("porthole:route:http:{orphan}", route);
        Visitor.Reply reply = visitor.get(host("orphan"), "/");

        assertThat(reply.status()).isEqualTo(502);
        assertThat(reply.header("X-Porthole-Error")).isEqualTo("agent-offline");
        assertThat(reply.text()).contains("may reconnect").doesNotContain("gw-dead");
    }

    @Test
    void answersServiceUnavailableWhenTheRegistryCannotAnswer() throws Exception {
        // A key of the wrong type makes Redis fail the lookup, as an unreachable Redis would.
        redis.rpush(List.of("porthole:route:http:{broken}", "not-a-route"))
                .toCompletionStage()
                .toCompletableFuture()
                .get(5, TimeUnit.SECONDS);
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
        set(
                "porthole:route:http:{" + tunnel + "}",
                new Route(gatewayId, "s-" + tunnel, "client-1", "agent-1").toJson());
        set("porthole:gateway:" + gatewayId, address);
    }

    private String get(String key) throws Exception {
        CompletableFuture<String> value = redis.get(key)
                .map(r -> r == null ? null : r.toString())
                .toCompletionStage()
                .toCompletableFuture();
        return value.get(5, TimeUnit.SECONDS);
    }

    private static String host(String name) {
        return name + ".porthole.test:" + GatewayPortResource.port();
    }

    private record Upgraded(int status, MultiMap headers, String text) {}

    private static String header(HttpRequestHead head, String name) {
        return head.headers().stream()
                .filter(h -> h.name().equalsIgnoreCase(name))
                .map(Header::value)
                .findFirst()
                .orElse(null);
    }
}
