package dev.porthole.gateway.config;

import jakarta.enterprise.context.ApplicationScoped;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.UUID;

/** This gateway instance's identity in the registry, in events and in logs. */
@ApplicationScoped
public class GatewayInstance {

    private final String id;

    public GatewayInstance(GatewayConfig config) {
        this.id = config.instanceId().orElseGet(GatewayInstance::defaultId);
    }

    public String id() {
        return id;
    }

    /** The {@code source} of events this instance emits. */
    public String eventSource() {
        return "gateway/" + id;
    }

    private static String defaultId() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            host = "gateway";
        }
        return host + "-" + UUID.randomUUID().toString().substring(0, 8);
    }
}
