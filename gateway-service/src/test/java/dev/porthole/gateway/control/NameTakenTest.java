package dev.porthole.gateway.control;

import static org.assertj.core.api.Assertions.assertThat;

import dev.porthole.gateway.support.GatewayPortResource;
import dev.porthole.gateway.support.TestAgent;
import dev.porthole.protocol.message.TunnelResult;
import dev.porthole.testing.RedisTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.Vertx;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

/**
 * A name someone holds is refused saying whose: another agent of the same client (which, since
 * when, from where), or another client, of which the refusal says nothing more.
 */
@QuarkusTest
@WithTestResource(RedisTestResource.class)
@WithTestResource(GatewayPortResource.class)
class NameTakenTest {

    private static final String CLIENT_A = "Bearer test-token-0123456789";
    private static final String CLIENT_B = "Bearer second-token-0123456789";

    @Inject
    Vertx vertx;

    @Test
    void aNameHeldByTheSameClientsOtherAgentSaysWhichWhenAndFromWhere() {
        TestAgent holder = TestAgent.connectHttp(vertx, CLIENT_A, "agent-laptop", "mine");
        assertThat(holder.awaitWelcome().tunnels().getFirst().granted()).isTrue();

        TestAgent second = TestAgent.connectHttp(vertx, CLIENT_A, "agent-desktop", "mine");
        TunnelResult refused = second.awaitWelcome().tunnels().getFirst();
        assertThat(refused.status()).isEqualTo(TunnelResult.CONFLICT);
        assertThat(refused.message())
                .matches(
                        "subdomain 'mine' is held by another agent of yours \\(agent agent-laptop, connected "
                                + "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ from 127\\.0\\.0\\.1(:\\d+)?\\); stop that agent, or pick another name with --subdomain");
        second.close();
        holder.close();
    }

    @Test
    void aNameHeldByAnotherClientSaysOnlyThat() {
        TestAgent holder = TestAgent.connectHttp(vertx, CLIENT_A, "agent-secret-holder", "theirs");
        assertThat(holder.awaitWelcome().tunnels().getFirst().granted()).isTrue();

        TestAgent other = TestAgent.connectHttp(vertx, CLIENT_B, "agent-other", "theirs");
        TunnelResult refused = other.awaitWelcome().tunnels().getFirst();
        assertThat(refused.status()).isEqualTo(TunnelResult.CONFLICT);
        assertThat(refused.message())
                .isEqualTo("subdomain 'theirs' is held by another client; pick another with --subdomain or ask an "
                        + "administrator to release it");
        other.close();
        holder.close();
    }
}
