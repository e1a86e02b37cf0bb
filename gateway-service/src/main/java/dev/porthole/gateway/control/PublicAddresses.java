package dev.porthole.gateway.control;

import dev.porthole.gateway.config.GatewayConfig;
import jakarta.enterprise.context.ApplicationScoped;

/** Builds the public URLs that the gateway hands out for tunnels. */
@ApplicationScoped
public class PublicAddresses {

    private final String scheme;
    private final String domain;
    private final String portSuffix;

    public PublicAddresses(GatewayConfig config) {
        this.scheme = config.http().publicScheme();
        this.domain = config.http().domain();
        int port = config.http().publicPort().orElse(config.http().port());
        boolean defaultPort = (scheme.equals("http") && port == 80) || (scheme.equals("https") && port == 443);
        this.portSuffix = defaultPort ? "" : ":" + port;
    }

    /** {@code http://<name>.<domain>[:port]}. */
    public String http(String name) {
        return scheme + "://" + name + "." + domain + portSuffix;
    }
}
