package dev.porthole.gateway.support;

import static org.awaitility.Awaitility.await;

import dev.porthole.testing.FreePorts;
import dev.porthole.testing.PebbleProcess;
import dev.porthole.testing.TlsProbe;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A real Pebble ACME CA for the gateway: on-demand certificates on, HTTP-01 answered on a free
 * redirect port that Pebble validates against, a fresh encryption key. Init args: {@code validity}
 * (certificate lifetime, default 1d), {@code max-orders-per-hour} (default 20), {@code renew-check-interval}
 * (default 1h), {@code dns01} ({@code true}: one wildcard certificate over DNS-01 through Pebble's
 * challtestsrv), {@code blocked} (names Pebble refuses, comma-separated; Pebble 2.4 fails every order for a
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

    /** The leaf the gateway's public port serves for {@code host}, verified up to {@code trusted}; an IOException when the handshake fails. */
    public static X509Certificate handshake(String host, Path trusted) throws IOException {
        return TlsProbe.handshake(GatewayPortResource.port(), host, trusted, "http/1.1")
                .leaf();
    }

    /** Waits (up to 20 s: an order with Pebble) until the gateway serves {@code host} a certificate under Pebble's current root. */
    public static X509Certificate awaitServed(String host) {
        Path root = pebble.issuingRoot();
        return await().atMost(Duration.ofSeconds(20))
                .ignoreExceptions()
                .until(() -> handshake(host, root), leaf -> leaf != null);
    }

    @Override
    public void init(Map<String, String> initArgs) {
        args = initArgs;
    }

    @Override
    public Map<String, String> start() {
        redirectPort = FreePorts.loopback();
        List<String> blocked =
                args.containsKey("blocked") ? List.of(args.get("blocked").split(",")) : List.of();
        pebble = PebbleProcess.start(
                redirectPort,
                Duration.parse("PT" + args.getOrDefault("validity", "24h").toUpperCase()),
                blocked);
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
        if (Boolean.parseBoolean(args.get("dns01"))) {
            config.put("porthole.gateway.tls.acme.dns01.solver", "pebble-challtestsrv");
            config.put("porthole.gateway.tls.acme.dns01.url", pebble.challengeServerUrl());
        }
        return config;
    }

    @Override
    public void stop() {
        if (pebble != null) {
            pebble.close();
        }
    }
}
