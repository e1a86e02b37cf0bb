package dev.porthole.gateway.support;

import dev.porthole.testing.FreePorts;
import dev.porthole.testing.PebbleProcess;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A real Pebble ACME CA for the gateway: on-demand certificates on, HTTP-01 answered on a free
 * redirect port that Pebble validates against, a fresh encryption key. Init args: {@code validity}
 * (certificate lifetime, default 1d), {@code max-orders-per-hour} (default 20), {@code renew-check-interval}
 * (default 1h), {@code blocked} (names Pebble refuses, comma-separated; Pebble 2.4 fails every order for a
 * name with fewer labels than a blocked one, so classes that order the bare domain block nothing).
 */
public final class PebbleResource implements QuarkusTestResourceLifecycleManager {

    /** A name Pebble's block list refuses. */
    public static final String BLOCKED = "blocked.porthole.test";

    private static volatile PebbleProcess pebble;
    private static volatile String encryptionKey;
    private static volatile int redirectPort;
    private Map<String, String> args = Map.of();

    public static PebbleProcess pebble() {
        return pebble;
    }

    public static String encryptionKey() {
        return encryptionKey;
    }

    public static int redirectPort() {
        return redirectPort;
    }

    @Override
    public void init(Map<String, String> initArgs) {
        args = initArgs;
    }

    @Override
    public Map<String, String> start() {
        redirectPort = FreePorts.loopback();
        List<String> blocked = args.containsKey("blocked") ? List.of(args.get("blocked").split(",")) : List.of();
        pebble = PebbleProcess.start(redirectPort, Duration.parse("PT" + args.getOrDefault("validity", "24h").toUpperCase()), blocked);
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        encryptionKey = Base64.getEncoder().encodeToString(key);
        Map<String, String> config = new HashMap<>();
        config.put("porthole.gateway.tls.acme.directory-url", pebble.directoryUrl());
        config.put("porthole.gateway.tls.acme.ca-file", pebble.caFile().toString());
        config.put("porthole.gateway.tls.acme.encryption-key", encryptionKey);
        config.put("porthole.gateway.tls.acme.order-timeout", "20s");
        config.put("porthole.gateway.tls.acme.retry-after", "1s");
        config.put("porthole.gateway.tls.acme.max-orders-per-hour", args.getOrDefault("max-orders-per-hour", "20"));
        config.put("porthole.gateway.tls.acme.renew-check-interval", args.getOrDefault("renew-check-interval", "1h"));
        config.put("porthole.gateway.tls.redirect-port", String.valueOf(redirectPort));
        return config;
    }

    @Override
    public void stop() {
        if (pebble != null) {
            pebble.close();
        }
    }
}
