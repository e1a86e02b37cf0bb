package dev.porthole.e2e.support;

import dev.porthole.e2e.support.GatewayLaunch.Gateway;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The haproxy configuration of a test cluster (for {@link PortholeSystem#startHaproxy}): TCP mode,
 * one frontend on loopback for visitors and agents alike, balanced round-robin over the gateways'
 * public ports; each test adds its own defaults, health checks and sections.
 *
 * <pre>{@code
 * String config = HaproxyConfig.roundRobin(port, gateways)
 *         .defaults("retries 2", "option redispatch")
 *         .serverOptions(gateway -> "check inter 500ms fall 2 rise 1")
 *         .text();
 * }</pre>
 */
public final class HaproxyConfig {

    private final int port;
    private final List<Gateway> gateways;
    private final List<String> defaults = new ArrayList<>();
    private final List<String> backend = new ArrayList<>();
    private final StringBuilder sections = new StringBuilder();
    private Function<Gateway, String> serverOptions = gateway -> "";

    private HaproxyConfig(int port, List<Gateway> gateways) {
        this.port = port;
        this.gateways = List.copyOf(gateways);
    }

    /** Visitors and agents on 127.0.0.1:{@code port}, passed round-robin to {@code gateways}. */
    public static HaproxyConfig roundRobin(int port, List<Gateway> gateways) {
        return new HaproxyConfig(port, gateways);
    }

    /** Lines added to the {@code defaults} section (after TCP mode and the timeouts every test has). */
    public HaproxyConfig defaults(String... lines) {
        defaults.addAll(List.of(lines));
        return this;
    }

    /** Lines added to the gateways' backend, before its servers (a health check). */
    public HaproxyConfig backend(String... lines) {
        backend.addAll(List.of(lines));
        return this;
    }

    /** What follows each gateway's {@code server} line (its health check). */
    public HaproxyConfig serverOptions(Function<Gateway, String> options) {
        serverOptions = options;
        return this;
    }

    /** A whole further section (a frontend and backend of the test's own), appended as it is. */
    public HaproxyConfig section(String text) {
        sections.append(text);
        return this;
    }

    public String text() {
        StringBuilder config = new StringBuilder("""
                global
                    maxconn 1000
                defaults
                    mode tcp
                    timeout connect 2s
                    timeout client 5m
                    timeout server 5m
                """);
        defaults.forEach(line -> config.append("    ").append(line).append('\n'));
        config.append("""
                frontend visitors_and_agents
                    bind 127.0.0.1:%d
                    default_backend gateways
                backend gateways
                    balance roundrobin
                """.formatted(port));
        backend.forEach(line -> config.append("    ").append(line).append('\n'));
        for (Gateway gateway : gateways) {
            String options = serverOptions.apply(gateway);
            config.append("    server ")
                    .append(gateway.id())
                    .append(" 127.0.0.1:")
                    .append(gateway.port())
                    .append(options.isEmpty() ? "" : " " + options)
                    .append('\n');
        }
        return config.append(sections).toString();
    }
}
