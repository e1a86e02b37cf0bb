package dev.porthole.gateway.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;
import org.hibernate.validator.constraints.time.DurationMax;
import org.hibernate.validator.constraints.time.DurationMin;

/** Every setting of the gateway; each key is also an environment variable ({@code porthole.gateway.http.port} = {@code PORTHOLE_GATEWAY_HTTP_PORT}). */
@ConfigMapping(prefix = "porthole.gateway")
public interface GatewayConfig {

    /** Id of this gateway instance in the registry, in events and in logs; defaults to the host name plus a random suffix. */
    Optional<String> instanceId();

    /**
     * A YAML file (tokens, clients, limits; see docs/operations.md) watched while the gateway runs:
     * a change is put in force without a restart and published to the other gateways.
     */
    Optional<String> configFile();

    /** How often the configuration file is looked at; a change is applied once it reads the same twice in a row. */
    @WithDefault("2s")
    @DurationMin(millis = 100)
    @DurationMax(minutes = 1)
    Duration configFileCheckInterval();

    /** The public listener: visitors' HTTP and the agents' WebSocket endpoint. */
    HttpConfig http();

    /** Limits of the tunnel connection between agent and gateway. */
    TunnelConfig tunnel();

    /** Liveness checks on agent connections. */
    HeartbeatConfig heartbeat();

    /** The tunnel registry in Redis. */
    RegistryConfig registry();

    /** How agents authenticate. */
    AuthConfig auth();

    /** Public TCP tunnels and private tunnels. */
    TcpConfig tcp();

    /** The public listener as an HTTP proxy ({@code CONNECT name:port}) to private tunnels. */
    ConnectConfig connect();

    /** Public UDP tunnels. */
    UdpConfig udp();

    /** Prometheus metrics beyond the totals. */
    MetricsConfig metrics();

    /** What the gateway does when it is told to stop (SIGTERM). */
    ShutdownConfig shutdown();

    /** Bandwidth and request limits on tunnels; {@code LimitPolicy} holds the values in force. */
    LimitsConfig limits();

    /** How tunnels' edge policies (basic auth, IP rules, webhooks, headers, visitor rates) are enforced. */
    PolicyConfig policy();

    /** Several gateways as one: requests for a tunnel held by another instance are forwarded to it. */
    ClusterConfig cluster();

    /** HTTPS on the public listener, from PEM files; off unless {@code tls.cert-files} is set. */
    TlsConfig tls();
}
