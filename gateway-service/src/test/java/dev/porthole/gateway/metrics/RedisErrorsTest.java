package dev.porthole.gateway.metrics;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.porthole.gateway.support.GatewayPortResource;
import dev.porthole.testing.PrometheusText;
import dev.porthole.testing.RedisTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

/** A Redis command that fails counts in {@code redis_commands_failure_total}, whichever code sent it. */
@QuarkusTest
@WithTestResource(RedisTestResource.class)
@WithTestResource(GatewayPortResource.class)
class RedisErrorsTest {

    @Inject
    Redis redis;

    @Test
    void countsAFailedRedisCommand() {
        double before = failures();
        assertThatThrownBy(() -> redis.send(Request.cmd(Command.create("PORTHOLE-NO-SUCH-COMMAND")))
                        .toCompletionStage()
                        .toCompletableFuture()
                        .join())
                .hasMessageContaining("unknown command");

        assertThat(failures()).isGreaterThanOrEqualTo(before + 1);
    }

    private static double failures() {
        return PrometheusText.sum(
                given().get("/q/metrics").then().statusCode(200).extract().asString(), "redis_commands_failure_total");
    }
}
