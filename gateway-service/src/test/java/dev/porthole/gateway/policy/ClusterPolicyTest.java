package dev.porthole.gateway.policy;

import static dev.porthole.gateway.support.TestAgent.TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

import dev.porthole.gateway.cluster.ClusterMembership;
import dev.porthole.gateway.support.GatewayPortResource;
import dev.porthole.gateway.support.GatewayTestProfiles.ClusterMember;
import dev.porthole.gateway.support.Policies;
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
import jakarta.inject.Inject;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A policy holds on every gateway of a cluster: a visitor who reaches another instance is forwarded
 * to the one whose session holds the tunnel (one hop, with the internal credential), and that
 * instance applies the policy before a stream opens, with the visitor's address as the forwarding
 * instance saw it (the last {@code X-Forwarded-For} entry, which only a credentialed gateway may set).
 */
@QuarkusTest
@TestProfile(ClusterMember.class)
@WithTestResource(RedisTestResource.class)
@WithTestResource(GatewayPortResource.class)
class ClusterPolicyTest {

    @Inject
    Vertx vertx;

    private TestAgent agent;

    @AfterEach
    void disconnect() {
        TestAgent.closeAndAwait(agent);
    }

    private static MultiMap forwardedFrom(String visitor) {
        return MultiMap.caseInsensitiveMultiMap()
                .add(ClusterMembership.TOKEN_HEADER, ClusterMember.INTERNAL_TOKEN)
                .add(ClusterMembership.HOP_HEADER, "gw-b")
                .add("X-Forwarded-For", visitor);
    }

    @Test
    void theHoldingInstanceAppliesThePolicyToRequestsAnotherInstanceForwards() {
        agent = TestAgent.connect(
                vertx,
                GatewayPortResource.port(),
                TOKEN,
                "agent-guarded",
                List.of(TunnelRequest.http("guarded", "x:1").withPolicy(Policies.allowOnly("203.0.113.0/24"))));
        assertThat(agent.awaitWelcome().tunnels().getFirst().granted()).isTrue();
        agent.serving(Upstreams.respond(200, "guarded upstream"));
        Visitor visitor = new Visitor(vertx, GatewayPortResource.port());
        String host = "guarded.porthole.test:" + GatewayPortResource.port();

        assertThat(visitor.send(HttpMethod.GET, host, "/", forwardedFrom("203.0.113.9"), null)
                        .status())
                .isEqualTo(200);
        Visitor.Reply outside = visitor.send(HttpMethod.GET, host, "/", forwardedFrom("198.51.100.1"), null);
        assertThat(outside.status()).isEqualTo(403);
        assertThat(outside.header("X-Porthole-Error")).isEqualTo("policy-ip");
        // A visitor without the credential cannot claim an address: the gateway refuses the forged forward outright.
        Visitor.Reply forged = visitor.send(
                HttpMethod.GET,
                host,
                "/",
                MultiMap.caseInsensitiveMultiMap()
                        .add(ClusterMembership.HOP_HEADER, "gw-b")
                        .add("X-Forwarded-For", "203.0.113.9"),
                null);
        assertThat(forged.status()).isEqualTo(403);
        assertThat(visitor.send(
                                HttpMethod.GET,
                                host,
                                "/",
                                MultiMap.caseInsensitiveMultiMap().add("X-Forwarded-For", "203.0.113.9"),
                                null)
                        .status())
                .as("a visitor's own X-Forwarded-For is not its address")
                .isEqualTo(403);
        assertThat(agent.opened).hasSize(1);
    }
}
