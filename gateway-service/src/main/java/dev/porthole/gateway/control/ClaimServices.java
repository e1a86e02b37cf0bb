package dev.porthole.gateway.control;

import dev.porthole.gateway.config.GatewayConfig;
import dev.porthole.gateway.config.GatewayInstance;
import dev.porthole.gateway.dial.PrivateClaims;
import dev.porthole.gateway.events.EventPublisher;
import dev.porthole.gateway.policy.PolicyGate;
import dev.porthole.gateway.registry.ClientQuotas;
import dev.porthole.gateway.registry.Holders;
import dev.porthole.gateway.registry.NameGenerator;
import dev.porthole.gateway.registry.TunnelRegistry;
import dev.porthole.gateway.tcp.TcpClaims;
import dev.porthole.gateway.tls.passthrough.PassthroughClaims;
import dev.porthole.gateway.udp.UdpClaims;
import jakarta.inject.Singleton;

/** What {@link TunnelClaims} works with to claim an agent's HTTP names, TCP ports, private tunnels, TLS names and UDP ports. */
@Singleton
record ClaimServices(
        GatewayConfig config,
        GatewayInstance instance,
        TunnelRegistry registry,
        ClientQuotas quotas,
        NameGenerator names,
        EventPublisher events,
        PublicAddresses addresses,
        TcpClaims tcp,
        PrivateClaims privateClaims,
        PolicyGate policies,
        PassthroughClaims passthrough,
        UdpClaims udp,
        Holders holders) {}
