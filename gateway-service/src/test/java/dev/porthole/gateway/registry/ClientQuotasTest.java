package dev.porthole.gateway.registry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.porthole.gateway.support.GatewayPortResource;
import dev.porthole.testing.RedisTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.Future;
import jakarta.inject.Inject;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A client's session and tunnel limits, shared by every gateway through Redis. */
@QuarkusTest
@WithTestResource(RedisTestResource.class)
@WithTestResource(GatewayPortResource.class)
class ClientQuotasTest {

    @Inject
    ClientQuotas quotas;

    private static <T> T join(Future<T> future) throws Exception {
        return future.toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    }

    @Test
    void sessionsBeyondTheLimitAreRefusedUntilOneEnds() throws Exception {
        assertThat(join(quotas.acquireSession("limited", "agent-1", 2))).isTrue();
        assertThat(join(quotas.acquireSession("limited", "agent-2", 2))).isTrue();
        assertThat(join(quotas.acquireSession("limited", "agent-3", 2))).isFalse();
        assertThat(join(quotas.acquireSession("other-client", "agent-3", 2)))
                .as("limits are per client")
                .isTrue();

        join(quotas.releaseSession("limited", "agent-1"));
        assertThat(join(quotas.acquireSession("limited", "agent-3", 2))).isTrue();
    }

    @Test
    void anAgentThatAlreadyHoldsAPlaceKeepsItWhenItReconnects() throws Exception {
        assertThat(join(quotas.acquireSession("single", "agent-1", 1))).isTrue();
        assertThat(join(quotas.acquireSession("single", "agent-1", 1))).isTrue();
        assertThat(join(quotas.acquireSession("single", "agent-2", 1))).isFalse();
        join(quotas.refreshSession("single", "agent-1"));
        assertThat(join(quotas.acquireSession("single", "agent-2", 1))).isFalse();
    }

    @Test
    void tunnelsCountByNameAcrossSessions() throws Exception {
        assertThat(join(quotas.acquireTunnel("shop", "http:a", 2))).isTrue();
        assertThat(join(quotas.acquireTunnel("shop", "http:b", 2))).isTrue();
        assertThat(join(quotas.acquireTunnel("shop", "http:a", 2)))
                .as("the same tunnel again")
                .isTrue();
        assertThat(join(quotas.acquireTunnel("shop", "http:c", 2))).isFalse();
        join(quotas.refreshTunnels("shop", List.of("http:a", "http:b")));
        join(quotas.releaseTunnel("shop", "http:b"));
        assertThat(join(quotas.acquireTunnel("shop", "http:c", 2))).isTrue();
    }
}
