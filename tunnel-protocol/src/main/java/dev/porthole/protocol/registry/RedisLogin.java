package dev.porthole.protocol.registry;

import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.eclipse.microprofile.config.Config;
import org.jboss.logging.Logger;

/**
 * What every service says when Redis refuses its login at start-up (wrong ACL user or password, no
 * password, a user without the permissions it needs) or Sentinels that do not know the master
 * name: one sentence naming the setting to fix and the user, never the password. Redis being
 * unreachable is no refusal: services start and wait.
 */
public final class RedisLogin {

    private static final Logger LOG = Logger.getLogger(RedisLogin.class);

    private RedisLogin() {}

    /**
     * Stops a service's start-up when {@code problem} is present: logs it as an error and throws
     * what {@code stop} makes of it (a Quarkus {@code ConfigurationException}, so that start-up
     * ends with that one sentence).
     */
    public static void stopOn(Optional<String> problem, Function<String, ? extends RuntimeException> stop) {
        if (problem.isPresent()) {
            LOG.error(problem.get());
            throw stop.apply(problem.get());
        }
    }

    /**
     * The start-up error for the {@code quarkus.redis.*} settings in {@code config} (hosts,
     * client-type, master-name and role), as {@link #check(Redis, String, String, Optional,
     * Optional)} finds it.
     */
    public static Optional<String> check(Redis redis, Config config) {
        return check(
                redis,
                config.getValue("quarkus.redis.hosts", String.class),
                config.getOptionalValue("quarkus.redis.client-type", String.class)
                        .orElse("standalone"),
                config.getOptionalValue("quarkus.redis.master-name", String.class),
                config.getOptionalValue("quarkus.redis.role", String.class));
    }

    /**
     * The start-up error for a service's Redis settings, if any: a Sentinel configuration that lacks
     * its master name or asks for a replica ({@link RedisSentinelSettings}), else what
     * {@link #check(Redis, String)} finds when it logs in.
     */
    public static Optional<String> check(
            Redis redis, String hosts, String clientType, Optional<String> masterName, Optional<String> role) {
        List<String> problems = RedisSentinelSettings.problems(clientType, masterName, role);
        return problems.isEmpty() ? check(redis, hosts) : Optional.of(String.join("; ", problems));
    }

    /**
     * Logs in to Redis (a PING through {@code redis}, which sends the user and password of
     * {@code hosts}) and returns the start-up error when the login is refused. Redis unreachable or
     * slow only logs a warning and returns nothing: the service starts and waits for it.
     */
    public static Optional<String> check(Redis redis, String hosts) {
        try {
            redis.send(Request.cmd(Command.PING))
                    .toCompletionStage()
                    .toCompletableFuture()
                    .get(5, TimeUnit.SECONDS);
            return Optional.empty();
        } catch (ExecutionException e) {
            String error = e.getCause() == null ? e.getMessage() : e.getCause().getMessage();
            Optional<String> refusal = refusal(error, hosts);
            if (refusal.isEmpty()) {
                LOG.warnf("Redis did not answer at start-up (%s); starting anyway, it is used once it answers", error);
            }
            return refusal;
        } catch (TimeoutException e) {
            LOG.warn("Redis did not answer within 5 s at start-up; starting anyway, it is used once it answers");
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    /**
     * The start-up error for a Redis error, when it is a refused login.
     *
     * @param error the error Redis (or the client) gave, such as {@code WRONGPASS invalid username-password pair}
     * @param hosts the {@code quarkus.redis.hosts} in force (its password is not repeated)
     */
    public static Optional<String> refusal(String error, String hosts) {
        // A Sentinel client lists one failure per Sentinel on lines of their own ("- WRONGPASS ..."): one line, each
        // reason once.
        String text = error == null
                ? ""
                : String.join(
                        "; ",
                        error.trim()
                                .lines()
                                .map(line -> line.replaceFirst("^-\\s*", "").trim())
                                .filter(line -> !line.isEmpty())
                                .distinct()
                                .toList());
        String upper = text.toUpperCase(Locale.ROOT);
        if (upper.contains("NO SUCH MASTER WITH THAT NAME")) {
            // Sentinels answered but monitor no master set by that name: no failover could ever help.
            return Optional.of(
                    "the Sentinels at " + addresses(hosts)
                            + " monitor no master by the name in QUARKUS_REDIS_MASTER_NAME (ERR No such"
                            + " master with that name): set it to the <name> of their 'sentinel monitor <name> <host> <port> <quorum>' line");
        }
        if (!(upper.startsWith("WRONGPASS")
                || upper.startsWith("NOAUTH")
                || upper.startsWith("NOPERM")
                || upper.contains(" WRONGPASS")
                || upper.contains(" NOAUTH")
                || upper.contains(" NOPERM"))) {
            return Optional.empty();
        }
        return Optional.of(
                "Redis at " + addresses(hosts) + " refused the login of " + user(hosts) + " (" + text
                        + "): set QUARKUS_REDIS_HOSTS to"
                        + " redis://<user>:<password>@<host>:<port> (rediss:// for TLS) with the ACL user and password Redis was given");
    }

    private static String addresses(String hosts) {
        List<String> addresses = new ArrayList<>();
        for (String host : (hosts == null ? "" : hosts).split(",")) {
            addresses.add(address(host));
        }
        return String.join(", ", addresses);
    }

    private static String user(String hosts) {
        String info = userInfo(hosts);
        if (info == null || info.isEmpty()) {
            return "no user (no password given)";
        }
        int colon = info.indexOf(':');
        String user = colon < 0 ? "" : info.substring(0, colon);
        return user.isEmpty() ? "the default user" : "user '" + user + "'";
    }

    private static String address(String hosts) {
        try {
            URI uri = URI.create(firstHost(hosts));
            return uri.getScheme() + "://" + uri.getHost() + (uri.getPort() > 0 ? ":" + uri.getPort() : "");
        } catch (IllegalArgumentException e) {
            return "the configured address";
        }
    }

    private static String userInfo(String hosts) {
        try {
            return URI.create(firstHost(hosts)).getRawUserInfo();
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static String firstHost(String hosts) {
        String first = hosts == null ? "" : hosts.split(",")[0].trim();
        return first;
    }
}
