package dev.porthole.e2e.support;

import dev.porthole.testing.FreePorts;
import dev.porthole.testing.ServiceProcess;
import java.util.HashMap;
import java.util.Map;

/**
 * One gateway process to start, described before it starts: settings of its own on top of the
 * system's ({@link PortholeSystem#gatewaySetting}), a cluster instance id, the ports of a gateway it
 * replaces. The one way tests start a gateway besides the system's first
 * ({@link PortholeSystem#startGateway()}):
 *
 * <pre>{@code
 * Gateway other = system.newGateway("gw-b").inCluster("gw-b").setting("PORTHOLE_...", "x").start();
 * }</pre>
 */
public final class GatewayLaunch {

    static final String CLUSTER_TOKEN = "e2e-cluster-token-0123456789";

    private final PortholeSystem system;
    private final String name;
    private final Map<String, String> settings = new HashMap<>();
    private String id;
    private int port = 0;
    private int managementPort = 0;
    private boolean cluster;

    GatewayLaunch(PortholeSystem system, String name) {
        this.system = system;
        this.name = name;
        this.id = name;
    }

    /** A setting (environment variable) of this gateway alone. */
    public GatewayLaunch setting(String variable, String value) {
        settings.put(variable, value);
        return this;
    }

    public GatewayLaunch settings(Map<String, String> variables) {
        settings.putAll(variables);
        return this;
    }

    /**
     * Makes it a member of a cluster: instance {@code id}, its public port as its internal address, and
     * the cluster token all members share. Requests for tunnels held by another member are forwarded.
     */
    public GatewayLaunch inCluster(String id) {
        this.id = id;
        this.cluster = true;
        return this;
    }

    /** Listens on these ports (a restart on the same ports, or the system's first gateway). */
    GatewayLaunch ports(int port, int managementPort) {
        this.port = port;
        this.managementPort = managementPort;
        return this;
    }

    /**
     * Takes the place of {@code stopped}, which must have exited: its instance id (if it was in a cluster),
     * its ports, as a rolling restart does.
     */
    public GatewayLaunch replacing(Gateway stopped) {
        if (stopped.process().isAlive()) {
            throw new IllegalStateException(
                    stopped.id() + " (process " + stopped.process().pid() + ") is still running; stop it first");
        }
        system.forget(stopped.process());
        return inCluster(stopped.id()).ports(stopped.port(), stopped.managementPort());
    }

    /** Starts it and waits until its public port accepts connections. */
    public Gateway start() {
        Gateway gateway = launchGateway();
        PortholeSystem.awaitPort(gateway.port(), gateway.process());
        return gateway;
    }

    /**
     * Starts it without waiting, so that it starts side by side with other processes; call
     * {@link Gateway#awaitListening()} before using it.
     */
    public Gateway startInBackground() {
        return launchGateway();
    }

    /** Starts it without waiting for it to listen: for a gateway expected to refuse to start. */
    public ServiceProcess launch() {
        return launchGateway().process();
    }

    private Gateway launchGateway() {
        int publicPort = port != 0 ? port : FreePorts.loopback();
        int management = managementPort != 0 ? managementPort : FreePorts.loopback();
        Map<String, String> own = new HashMap<>();
        if (cluster) {
            own.put("PORTHOLE_INTERNAL_TOKEN", CLUSTER_TOKEN);
            own.put("PORTHOLE_GATEWAY_INSTANCE_ID", id);
            own.put("PORTHOLE_GATEWAY_CLUSTER_INTERNAL_ADDRESS", "127.0.0.1:" + publicPort);
        }
        ServiceProcess process = system.launchGateway(name, publicPort, management, own, settings);
        return new Gateway(id, process, publicPort, management);
    }

    /** A started gateway: its instance id (its name outside a cluster), process and ports. */
    public record Gateway(String id, ServiceProcess process, int port, int managementPort) {
        /** Waits until its public port accepts connections (after {@link GatewayLaunch#startInBackground()}). */
        public Gateway awaitListening() {
            PortholeSystem.awaitPort(port, process);
            return this;
        }

        public String metricsUrl() {
            return "http://127.0.0.1:" + managementPort + "/q/metrics";
        }
    }
}
