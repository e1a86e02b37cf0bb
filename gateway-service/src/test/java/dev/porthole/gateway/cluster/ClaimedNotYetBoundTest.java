package dev.porthole.gateway.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.porthole.gateway.registry.LocalRoutes;
import dev.porthole.gateway.registry.Route;
import dev.porthole.gateway.support.GatewayPortResource;
import dev.porthole.gateway.support.GatewayTestProfiles.ClusterMember;
import dev.porthole.gateway.support.TestAgent;
import dev.porthole.gateway.support.Upstreams;
import dev.porthole.gateway.support.Visitor;
import dev.porthole.protocol.message.TunnelRequest;
import dev.porthole.testing.RedisTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.redis.client.RedisAPI;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * An agent's new session writes its claim to the registry before it binds its routes, so a request
 * can arrive in between: forwarded by another instance that looked the tunnel up, or straight from
 * a visitor. The registry names this instance, so the request waits for the binding and is served,
 * instead of being refused as a second hop (502) or as a tunnel nobody serves (404).
 */
@QuarkusTest
@TestProfile(ClusterMember.class)
@WithTestResource(RedisTestResource.class)
@WithTestResource(GatewayPortResource.class)
class ClaimedNotYetBoundTest {

    private static final Pattern GET_CALLS = Pattern.compile("cmdstat_get:calls=(\\d+)");

    @Inject
    Vertx vertx;

    @Inject
    RedisAPI redis;

    @Inject
    LocalRoutes routes;

    private TestAgent agent;

    @AfterEach
    void stopAgent() {
        TestAgent.closeAndAwait(agent);
    }

    @Test
    void servesAForwardedRequestThatArrivesBetweenTheClaimAndTheBinding() throws Exception {
        MultiMap forwarded = MultiMap.caseInsensitiveMultiMap()
                .add(ClusterMembership.TOKEN_HEADER, ClusterMember.INTERNAL_TOKEN)
                .add(ClusterMembership.HOP_HEADER, "gw-b");
        assertServedOnceBound("forwarded", forwarded);
    }

    @Test
    void servesAVisitorsRequestThatArrivesBetweenTheClaimAndTheBinding() throws Exception {
        assertServedOnceBound("direct", MultiMap.caseInsensitiveMultiMap());
    }

    private void assertServedOnceBound(String name, MultiMap headers) throws Exception {
        // The registry already names this instance, as after the new session's claim (same client and agent: it takes
        // over).
        redis.set(List.of(
                        "porthole:route:http:{" + name + "}",
                        new Route(ClusterMember.INSTANCE_ID, "s-claiming", "token-1", "agent-" + name).toJson(),
                        "PX",
                        "60000"))
                .toCompletionStage()
                .toCompletableFuture()
                .get(5, TimeUnit.SECONDS);
        long getsBefore = redisGets();
        Visitor visitor = new Visitor(vertx, GatewayPortResource.port());
        CompletableFuture<Visitor.Reply> reply = CompletableFuture.supplyAsync(() -> visitor.send(
                HttpMethod.GET, name + ".porthole.test:" + GatewayPortResource.port(), "/", headers, null));

        // The gateway looked the route up (the only GET here): the request waits for the session.
        await("the gateway asks the registry who holds the tunnel")
                .atMost(Duration.ofSeconds(10))
                .until(() -> redisGets() > getsBefore);
        await("the request waits for the binding")
                .atMost(Duration.ofSeconds(10))
                .until(() -> routes.bindWaiters() == 1);
        assertThat(reply).as("not answered while no session serves the tunnel").isNotDone();
        agent = TestAgent.connect(
                        vertx,
                        GatewayPortResource.port(),
                        "Bearer test-token-0123456789",
                        "agent-" + name,
                        List.of(TunnelRequest.http(name, "x:1")))
                .serving(Upstreams.respond(200, "served after the binding"));

        Visitor.Reply answer = reply.get(20, TimeUnit.SECONDS);
        assertThat(answer.status()).as(answer.text()).isEqualTo(200);
        assertThat(answer.text()).isEqualTo("served after the binding");
        assertThat(routes.bindWaiters()).isZero();
    }

    @Test
    void answersWhenNoSessionBindsTheClaimedTunnelInTimeAndForgetsTheWait() throws Exception {
        redis.set(List.of(
                        "porthole:route:http:{unbound}",
                        new Route(ClusterMember.INSTANCE_ID, "s-vanished", "token-1", "agent-unbound").toJson(),
                        "PX",
                        "60000"))
                .toCompletionStage()
                .toCompletableFuture()
                .get(5, TimeUnit.SECONDS);
        Visitor visitor = new Visitor(vertx, GatewayPortResource.port());
        CompletableFuture<Visitor.Reply> reply = CompletableFuture.supplyAsync(() -> visitor.send(
                HttpMethod.GET,
                "unbound.porthole.test:" + GatewayPortResource.port(),
                "/",
                MultiMap.caseInsensitiveMultiMap(),
                null));
        await("the request waits for the binding")
                .atMost(Duration.ofSeconds(10))
                .until(() -> routes.bindWaiters() == 1);

        Visitor.Reply answer = reply.get(20, TimeUnit.SECONDS);
        assertThat(answer.status()).as(answer.text()).isEqualTo(404);
        assertThat(routes.bindWaiters()).as("the wait ended with its deadline").isZero();
    }

    private long redisGets() throws Exception {
        String info = redis.info(List.of("commandstats"))
                .toCompletionStage()
                .toCompletableFuture()
                .get(5, TimeUnit.SECONDS)
                .toString();
        Matcher calls = GET_CALLS.matcher(info);
        return calls.find() ? Long.parseLong(calls.group(1)) : 0;
    }
}
