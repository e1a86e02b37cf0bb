package dev.porthole.gateway.ingress;

import dev.porthole.gateway.config.GatewayConfig;
import dev.porthole.protocol.registry.TunnelNames;
import jakarta.inject.Singleton;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Decides what a public request is for: a tunnel by subdomain ({@code <name>.<domain>}), a tunnel
 * by path prefix ({@code /t/<name>/...}, on an apex host and only with path routing on), the
 * agents' endpoint, or nothing. Hosts the gateway is not configured for get no tunnel, so a forged
 * Host never reaches an upstream.
 */
@Singleton
public class Addressing {

    /** What a request addresses. */
    public sealed interface Target {}

    /** A tunnel; {@code uri} is what the upstream sees and {@code prefix} what was stripped ("" for subdomains). */
    public record Tunnel(String name, String uri, String prefix) implements Target {}

    /** The agents' WebSocket endpoint. */
    public record AgentEndpoint() implements Target {}

    /** No tunnel: the apex domain, an unknown host or a path outside the prefix. */
    public record NoTunnel() implements Target {}

    /** A request the gateway cannot route at all. */
    public record BadRequest(String reason) implements Target {}

    /** A Host the gateway does not serve (neither {@code <name>.<domain>} nor an apex host): 421. */
    public record OtherHost() implements Target {}

    private final String domainSuffix;
    private final String agentPath;
    private final String pathPrefix;
    private final boolean pathRouting;
    private final Set<String> apexHosts;

    public Addressing(GatewayConfig config) {
        this.domainSuffix = "." + config.http().domain().toLowerCase(Locale.ROOT);
        this.agentPath = config.http().agentPath();
        this.pathPrefix = config.http().pathPrefix();
        this.pathRouting = config.http().pathRouting();
        this.apexHosts = config.http().apexHosts().orElse(List.of(config.http().domain())).stream()
                .map(host -> host.trim().toLowerCase(Locale.ROOT))
                .filter(host -> !host.isEmpty())
                .collect(Collectors.toUnmodifiableSet());
    }

    /**
     * @param host the request's host without port, or null if it sent none
     * @param requestTarget the request target as received: a path and query, or an absolute URL
     */
    public Target resolve(String host, String requestTarget) {
        if (host == null || host.isEmpty()) {
            return new BadRequest("the request has no Host header");
        }
        String uri = requestTarget;
        if (!uri.startsWith("/") && !uri.equals("*")) {
            uri = originForm(host, requestTarget);
            if (uri == null) {
                return new BadRequest(
                        "the request target must be a path, or an absolute http(s) URL naming the host in the Host header");
            }
        }
        String lowerHost = host.toLowerCase(Locale.ROOT);
        if (lowerHost.endsWith(domainSuffix)) {
            String label = lowerHost.substring(0, lowerHost.length() - domainSuffix.length());
            if (TunnelNames.problem(label) != null) {
                return new NoTunnel();
            }
            return new Tunnel(label, uri, "");
        }
        int queryStart = uri.indexOf('?');
        String path = queryStart < 0 ? uri : uri.substring(0, queryStart);
        String query = queryStart < 0 ? "" : uri.substring(queryStart);
        if (path.equals(agentPath)) {
            return new AgentEndpoint();
        }
        if (!apexHosts.contains(lowerHost)) {
            return new OtherHost();
        }
        if (!pathRouting) {
            return new NoTunnel();
        }
        String prefixWithoutSlash = pathPrefix.substring(0, pathPrefix.length() - 1);
        if (path.startsWith(pathPrefix)) {
            String rest = path.substring(pathPrefix.length());
            int slash = rest.indexOf('/');
            String name = slash < 0 ? rest : rest.substring(0, slash);
            String remainder = slash < 0 ? "/" : rest.substring(slash);
            if (TunnelNames.problem(name) != null) {
                return new NoTunnel();
            }
            return new Tunnel(name, remainder + query, prefixWithoutSlash + "/" + name);
        }
        return new NoTunnel();
    }

    /**
     * The path and query of an absolute-form target (RFC 9112 3.2.2), which is what the upstream is
     * sent: routed by Host, a request must not reach an upstream that honours the target (Go's
     * does) with another host in it. Null if the target is no http(s) URL or names another host.
     */
    private static String originForm(String host, String target) {
        URI parsed;
        try {
            parsed = new URI(target);
        } catch (URISyntaxException e) {
            return null;
        }
        String scheme = parsed.getScheme();
        if (scheme == null
                || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))
                || parsed.getHost() == null
                || parsed.getRawUserInfo() != null
                || !parsed.getHost().equalsIgnoreCase(host)) {
            return null;
        }
        String path = parsed.getRawPath() == null || parsed.getRawPath().isEmpty() ? "/" : parsed.getRawPath();
        return parsed.getRawQuery() == null ? path : path + "?" + parsed.getRawQuery();
    }
}
