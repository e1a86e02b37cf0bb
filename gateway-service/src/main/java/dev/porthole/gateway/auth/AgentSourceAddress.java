package dev.porthole.gateway.auth;

import dev.porthole.gateway.config.GatewayConfig;
import dev.porthole.protocol.auth.SourceAddress;
import io.vertx.core.http.HttpServerRequest;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;

/**
 * The address auth-service counts an agent's failed handshakes against: the connection's IP (an
 * IPv6 /64), never its port. Behind a proxy ({@code porthole.gateway.http.trust-forwarded-headers})
 * it is the last {@code X-Forwarded-For} entry, the one the proxy itself appended; whatever a
 * client put before it is ignored, and without that setting the header is never read.
 */
@ApplicationScoped
public class AgentSourceAddress {

    static final String UNKNOWN = "unknown";

    private final boolean trustForwarded;

    public AgentSourceAddress(GatewayConfig config) {
        this.trustForwarded = config.http().trustForwardedHeaders();
    }

    /** The counting key for this handshake, for example {@code 192.0.2.7} or {@code 2001:db8:1:2::/64}. */
    public String of(HttpServerRequest request) {
        if (trustForwarded) {
            List<String> forwarded = request.headers().getAll("X-Forwarded-For");
            if (!forwarded.isEmpty()) {
                String last = forwarded.getLast();
                var proxied = SourceAddress.of(last.substring(last.lastIndexOf(',') + 1));
                if (proxied.isPresent()) {
                    return proxied.get();
                }
            }
        }
        return request.remoteAddress() == null
                ? UNKNOWN
                : SourceAddress.of(request.remoteAddress().hostAddress()).orElse(UNKNOWN);
    }
}
