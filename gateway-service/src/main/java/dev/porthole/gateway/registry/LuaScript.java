package dev.porthole.gateway.registry;

import io.vertx.core.Future;
import io.vertx.redis.client.RedisAPI;
import io.vertx.redis.client.Response;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * A Lua script that Redis runs by its SHA-1 ({@code EVALSHA}): its text crosses the network only
 * when a server does not know it yet ({@code NOSCRIPT}: the first call, a restarted or failed-over
 * server, another cluster node), and then once, by {@code EVAL}, which also caches it there. The
 * registry's scripts are a few KiB each and run for every tunnel at every refresh, so sending them
 * by text each time was most of the bytes a gateway wrote to Redis.
 */
public final class LuaScript {

    private final String source;
    private final String sha;

    public LuaScript(String source) {
        this.source = source;
        try {
            this.sha = HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-1").digest(source.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-1", e);
        }
    }

    /** The SHA-1 Redis knows the script by (what {@code SCRIPT LOAD} answers). */
    public String sha() {
        return sha;
    }

    /** Runs the script with {@code numKeys} keys followed by the arguments, as {@code EVAL} takes them. */
    public Future<Response> run(RedisAPI redis, List<String> keysAndArguments) {
        return redis.evalsha(withFirst(sha, keysAndArguments)).recover(error -> {
            String message = error.getMessage();
            return message != null && message.startsWith("NOSCRIPT")
                    ? redis.eval(withFirst(source, keysAndArguments))
                    : Future.failedFuture(error);
        });
    }

    private static List<String> withFirst(String first, List<String> rest) {
        List<String> command = new ArrayList<>(rest.size() + 1);
        command.add(first);
        command.addAll(rest);
        return command;
    }
}
