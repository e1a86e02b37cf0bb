package dev.porthole.gateway.support;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

/** Configurations the gateway tests run under. */
public final class GatewayTestProfiles {

    private GatewayTestProfiles() {}

    /**
     * A profile that only overrides settings, written as the lines of an {@code application.properties}
     * (a subclass passes them; a test class's own profile extends this too).
     */
    public abstract static class Overrides implements QuarkusTestProfile {
        private final Map<String, String> settings = new HashMap<>();

        protected Overrides(String properties) {
            Properties parsed = new Properties();
            try {
                parsed.load(new StringReader(properties));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            parsed.forEach((key, value) -> settings.put((String) key, (String) value));
        }

        /** {@code base}'s settings, with {@code properties} on top. */
        protected Overrides(Overrides base, String properties) {
            this(properties);
            base.settings.forEach(settings::putIfAbsent);
        }

        @Override
        public final Map<String, String> getConfigOverrides() {
            return Map.copyOf(settings);
        }
    }

    /** No tokens: anyone may connect and gets random names only. */
    public static final class PublicMode extends Overrides {
        public PublicMode() {
            super("porthole.gateway.auth.tokens=");
        }
    }

    /** The public port on every address, IPv6 too, so that a visitor can come from ::1; webhook bodies up to 1 KiB; http:// OIDC test issuers. */
    public static final class DualStack extends Overrides {
        public DualStack() {
            super("""
                    porthole.gateway.http.host=::
                    porthole.gateway.policy.webhook-max-body=1K
                    porthole.gateway.policy.oidc-allow-http-issuer=true
                    """);
        }
    }

    /** Series per tunnel and per client switched on, with room for two tunnels and two clients. */
    public static final class PerTunnelMetrics extends Overrides {
        public PerTunnelMetrics() {
            super("""
                    porthole.gateway.metrics.per-tunnel=true
                    porthole.gateway.metrics.max-tunnels=2
                    porthole.gateway.metrics.max-clients=2
                    porthole.gateway.http.response-timeout=30s
                    """);
        }
    }

    /** Low tunnel limits: 1 KiB request bodies, one request per second per tunnel, 256 KiB/s each way. */
    public static final class Limited extends Overrides {
        public Limited() {
            super("""
                    porthole.gateway.limits.max-body-size=1K
                    porthole.gateway.limits.requests-per-second-per-tunnel=1
                    porthole.gateway.limits.streams-per-tunnel=2
                    porthole.gateway.limits.bandwidth.upload=256K
                    porthole.gateway.limits.bandwidth.client-download=256K
                    """);
        }
    }

    /** A drain timeout far longer than any test waits, so that a session closing before it shows what else closed it. */
    public static final class LongDrain extends Overrides {
        public LongDrain() {
            super("porthole.gateway.shutdown.drain-timeout=10m");
        }
    }

    /** One instance of a cluster: an internal address published in Redis and the internal token that forwarded requests carry. */
    public static final class ClusterMember extends Overrides {
        public static final String INSTANCE_ID = "gw-under-test";
        public static final String INTERNAL_TOKEN = "cluster-token-0123456789";
        public static final String INTERNAL_ADDRESS = "127.0.0.1:18080";

        public ClusterMember() {
            super("""
                    porthole.gateway.cluster.internal-address=%s
                    porthole.internal.token=%s
                    porthole.gateway.instance-id=%s
                    """.formatted(INTERNAL_ADDRESS, INTERNAL_TOKEN, INSTANCE_ID));
        }
    }

    /** {@link ClusterMember} with a two-second idle timeout, for a forwarded response that stalls. */
    public static final class ClusterMemberShortIdle extends Overrides {
        public ClusterMemberShortIdle() {
            super(new ClusterMember(), "porthole.gateway.http.idle-timeout=2s");
        }
    }

    /** A TLS passthrough listener on a free port, with a small ClientHello bound and a short deadline to hit. */
    public static final class Passthrough extends Overrides {
        public Passthrough() {
            super("""
                    porthole.gateway.tls.passthrough.port=0
                    porthole.gateway.tls.passthrough.max-client-hello=4K
                    porthole.gateway.tls.passthrough.client-hello-timeout=1s
                    """);
        }
    }

    /** UDP tunnels with small bounds to hit: 4 flows a tunnel, 1 s idle, datagrams up to 1 KiB. */
    public static final class Udp extends Overrides {
        public Udp() {
            super("""
                    porthole.gateway.udp.max-flows-per-tunnel=4
                    porthole.gateway.udp.flow-idle-timeout=1s
                    porthole.gateway.udp.max-datagram-size=1024
                    """);
        }
    }
}
