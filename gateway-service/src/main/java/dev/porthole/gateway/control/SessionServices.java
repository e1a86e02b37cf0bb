package dev.porthole.gateway.control;

import dev.porthole.gateway.config.GatewayConfig;
import dev.porthole.gateway.config.GatewayInstance;
import dev.porthole.gateway.dial.PrivateDialer;
import dev.porthole.gateway.events.EventPublisher;
import dev.porthole.gateway.limits.LimitPolicy;
import dev.porthole.gateway.logging.SourceLogBudgets;
import dev.porthole.gateway.metrics.GatewayMetrics;
import dev.porthole.gateway.registry.ClientQuotas;
import dev.porthole.gateway.registry.LocalRoutes;
import dev.porthole.gateway.registry.SessionDirectory;
import dev.porthole.gateway.registry.TunnelRegistry;
import dev.porthole.gateway.tcp.PortListeners;
import dev.porthole.gateway.udp.UdpPorts;
import io.vertx.core.Vertx;
import jakarta.inject.Singleton;

/**
 * What every agent session works with, gathered so that a session takes one argument instead of ten;
 * what only claiming needs is in {@link ClaimServices}.
 */
@Singleton
record SessionServices(
        Vertx vertx,
        GatewayConfig config,
        GatewayInstance instance,
        TunnelRegistry registry,
        SessionDirectory directory,
        LocalRoutes routes,
        LocalSessions sessions,
        ClientQuotas quotas,
        EventPublisher events,
        GatewayMetrics metrics,
        PortListeners ports,
        UdpPorts udpPorts,
        PrivateDialer dialer,
        LimitPolicy limits,
        ClaimServices claims,
        PublicSessionPlaces publicPlaces,
        SourceLogBudgets logBudgets) {}
