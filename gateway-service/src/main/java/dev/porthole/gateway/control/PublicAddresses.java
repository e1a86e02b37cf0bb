package dev.porthole.gateway.control;

import dev.porthole.gateway.config.GatewayConfig;
import dev.porthole.gateway.config.PublicScheme;
import jakarta.inject.Singleton;

/** Builds the public URLs that the gateway hands out for tunnels. */
@Singleton
public class PublicAddresses {

    private final String scheme;
    private final String domain;
    private final String portSuffix;
    private final boolean publicPortSet;

    public PublicAddresses(GatewayConfig config) {
        this.scheme = scheme(config);
        this.domain = config.http().domain();
        int port = config.http().publicPort().orElse(config.http().port());
        boolean defaultPort = (scheme.equals("http") && port == 80) || (scheme.equals("https") && port == 443);
        this.portSuffix = defaultPort ? "" : ":" + port;
        this.publicPortSet = config.http().publicPort().isPresent();
    }

    /** The scheme of public URLs: {@code http.public-scheme}, else {@code https} when the gateway terminates TLS, else {@code http}. */
    public static String scheme(GatewayConfig config) {
        return config.http().publicScheme().map(PublicScheme::text).orElse(tlsTerminated(config) ? "https" : "http");
    }

    /** Whether the public listener speaks TLS itself ({@code tls.cert-files} or {@code tls.acme.directory-url} set). */
    public static boolean tlsTerminated(GatewayConfig config) {
        return config.tls().certFiles().filter(files -> !files.isEmpty()).isPresent() || acmeOn(config);
    }

    /** Whether certificates come from an ACME CA on demand ({@code tls.acme.directory-url} set). */
    public static boolean acmeOn(GatewayConfig config) {
        return config.tls().acme().directoryUrl().filter(url -> !url.isBlank()).isPresent();
    }

    /** The scheme of the public URLs handed out. */
    public String scheme() {
        return scheme;
    }

    /**
     * {@code host[:port]} for a host the gateway serves: with {@code http.public-port} set, the public
     * port (left out when it is the scheme's default), whatever port the visitor named; without it
     * (a balancer in front whose port the gateway does not know), the port the visitor named, if any.
     */
    public String authority(String host, int visitorPort) {
        if (publicPortSet) {
            return host + portSuffix;
        }
        return visitorPort > 0 ? host + ":" + visitorPort : host;
    }

    /** {@code host[:port]} of the public (TLS) port, for redirects from plain HTTP: the port is left out when it is the scheme's default. */
    public String secureAuthority(String host) {
        return host + portSuffix;
    }

    /** {@code http://<name>.<domain>[:port]}. */
    public String http(String name) {
        return scheme + "://" + name + "." + domain + portSuffix;
    }
}
