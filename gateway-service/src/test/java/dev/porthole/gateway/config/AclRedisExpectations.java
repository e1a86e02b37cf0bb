package dev.porthole.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.porthole.gateway.support.GatewayPortResource;
import dev.porthole.gateway.support.TestAgent;
import dev.porthole.protocol.message.TunnelRequest;
import dev.porthole.testing.RedisAclTestResource;
import io.vertx.core.Vertx;
import java.util.List;

/** What the gateway must do against a Redis of {@link RedisAclTestResource}, with or without TLS. */
final class AclRedisExpectations {

    private AclRedisExpectations() {}

    /** Redis refuses anyone without the password, and the gateway grants an agent's tunnel with the ACL user. */
    static void servesAnAgentWithTheAclUser(Vertx vertx) throws Exception {
        assertThat(RedisAclTestResource.server().commandWithoutLogin("PING"))
                .as("Redis refuses anyone without the password")
                .startsWith("-NOAUTH");
        TestAgent agent = TestAgent.connect(
                vertx,
                GatewayPortResource.port(),
                "Bearer test-token-0123456789",
                "acl-agent",
                List.of(TunnelRequest.http("acl-web", "x:1")));
        assertThat(agent.awaitWelcome().tunnels().getFirst().granted()).isTrue();
        assertThat(RedisAclTestResource.server().command("EXISTS porthole:route:http:{acl-web}"))
                .as("the route, in the ACL user's Redis")
                .isEqualTo(":1");
        agent.close();
    }
}
