package dev.porthole.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.HashMap;
import java.util.Map;

/**
 * Gives a {@code @QuarkusTest} a redis-server of its own that requires the ACL user
 * {@value #USER} and {@value #PASSWORD} (the default user off), as production Redis should; with
 * the init argument {@code tls=true} it speaks TLS only, and the service trusts its certificate
 * through the Quarkus TLS registry (configuration {@code redis}).
 */
public final class RedisAclTestResource implements QuarkusTestResourceLifecycleManager {

    public static final String USER = "porthole";
    public static final String PASSWORD = "acl-password-0123456789";

    private static volatile RedisServerProcess server;
    private boolean tls;

    /** The server the current test class runs against. */
    public static RedisServerProcess server() {
        return server;
    }

    @Override
    public void init(Map<String, String> initArgs) {
        tls = Boolean.parseBoolean(initArgs.getOrDefault("tls", "false"));
    }

    @Override
    public Map<String, String> start() {
        server = RedisServerProcess.startWithAcl(USER, PASSWORD, tls);
        Map<String, String> settings = new HashMap<>(
                Map.of("quarkus.redis.hosts", server.url(), "quarkus.redis.devservices.enabled", "false"));
        if (tls) {
            settings.put("quarkus.redis.tls-configuration-name", "redis");
            settings.put(
                    "quarkus.tls.redis.trust-store.pem.certs",
                    server.certificate().toString());
            settings.put("quarkus.tls.redis.hostname-verification-algorithm", "HTTPS");
        }
        return settings;
    }

    @Override
    public void stop() {
        if (server != null) {
            server.stop();
        }
    }
}
