package dev.porthole.gateway.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.porthole.testing.RedisServerProcess;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisAPI;
import io.vertx.redis.client.Response;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The registry's scripts run by their SHA-1, and their text is sent only to a server that does not
 * know them: on a real redis-server, counted with {@code INFO commandstats}.
 */
class LuaScriptTest {

    private static final String SOURCE = "return redis.call('INCRBY', KEYS[1], ARGV[1])";
    private static final LuaScript INCREMENT = new LuaScript(SOURCE);

    private static RedisServerProcess server;
    private static Vertx vertx;
    private static RedisAPI redis;

    @BeforeAll
    static void start() {
        server = RedisServerProcess.startOnFreePort();
        vertx = Vertx.vertx();
        redis = RedisAPI.api(Redis.createClient(vertx, server.url()));
    }

    @AfterAll
    static void stop() {
        vertx.close().toCompletionStage().toCompletableFuture().join();
        server.close();
    }

    @Test
    void theTextIsSentOnlyWhenTheServerDoesNotKnowTheScript() throws Exception {
        server.command("SCRIPT FLUSH");
        server.command("CONFIG RESETSTAT");

        assertThat(join(INCREMENT.run(redis, List.of("1", "lua-counter", "2"))).toLong())
                .isEqualTo(2);
        assertThat(join(INCREMENT.run(redis, List.of("1", "lua-counter", "3"))).toLong())
                .isEqualTo(5);
        assertThat(join(INCREMENT.run(redis, List.of("1", "lua-counter", "4"))).toLong())
                .isEqualTo(9);
        assertThat(calls("eval"))
                .as("EVAL calls: the first run only, after NOSCRIPT")
                .isEqualTo(1);
        assertThat(calls("evalsha")).as("EVALSHA calls, the first refused").isEqualTo(3);

        // A restarted or failed-over server has forgotten its scripts.
        server.command("SCRIPT FLUSH");
        assertThat(join(INCREMENT.run(redis, List.of("1", "lua-counter", "1"))).toLong())
                .isEqualTo(10);
        assertThat(calls("eval"))
                .as("EVAL calls after the server forgot the script")
                .isEqualTo(2);
    }

    @Test
    void itsShaIsTheOneRedisGivesTheScript() throws Exception {
        assertThat(join(redis.script(List.of("LOAD", SOURCE))).toString()).isEqualTo(INCREMENT.sha());
    }

    @Test
    void anErrorOtherThanAnUnknownScriptIsPassedOn() {
        server.command("SET lua-text not-a-number");
        assertThatThrownBy(() -> join(INCREMENT.run(redis, List.of("1", "lua-text", "1"))))
                .hasMessageContaining("not an integer");
    }

    /** How many times the server ran {@code command} since the last CONFIG RESETSTAT. */
    private static long calls(String command) throws Exception {
        String stats = join(redis.info(List.of("commandstats"))).toString();
        return stats.lines()
                .filter(line -> line.startsWith("cmdstat_" + command + ":"))
                .map(line -> line.replaceAll("^[^:]*:calls=([0-9]+),.*", "$1"))
                .mapToLong(Long::parseLong)
                .findFirst()
                .orElse(0);
    }

    private static Response join(Future<Response> future) throws Exception {
        try {
            return future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        }
    }
}
