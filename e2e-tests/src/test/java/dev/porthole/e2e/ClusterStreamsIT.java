package dev.porthole.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.porthole.e2e.support.AdminApi;
import dev.porthole.e2e.support.ByteServer;
import dev.porthole.e2e.support.GatewayLaunch.Gateway;
import dev.porthole.e2e.support.HaproxyConfig;
import dev.porthole.e2e.support.Http;
import dev.porthole.e2e.support.PortholeSystem;
import dev.porthole.testing.FreePorts;
import dev.porthole.testing.ServiceProcess;
import dev.porthole.testing.TestCertificates;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Streams across a cluster of three gateway processes behind haproxy (TCP mode, round robin, on
 * loopback): a WebSocket to a tunnel whose agent is on another instance, a public TCP port that
 * every instance listens on (each on its own loopback address, 127.0.0.2-4, with haproxy passing a
 * connection on to the same port of the next one), a private tunnel dialled from an agent on
 * another instance, and a TLS passthrough name reached through every instance's passthrough listener.
 */
class ClusterStreamsIT {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final List<String> ADDRESSES = List.of("127.0.0.2", "127.0.0.3", "127.0.0.4");

    private static PortholeSystem system;
    private static final List<Gateway> gateways = new ArrayList<>();
    private static int balancer;
    private static int rangeFirst;
    private static ByteServer digest;
    private static String web;
    private static String ports;
    private static String dbOwner;
    private static String alice;
    private static String mallory;
    private static String secure;
    private static int passthroughPort;

    @BeforeAll
    static void start() throws IOException {
        system = new PortholeSystem("ClusterStreamsIT")
                .gatewaySetting("PORTHOLE_GATEWAY_REGISTRY_TTL", "4s")
                .gatewaySetting("PORTHOLE_GATEWAY_REGISTRY_REFRESH_INTERVAL", "1s")
                .gatewaySetting("PORTHOLE_GATEWAY_HEARTBEAT_INTERVAL", "1s")
                .gatewaySetting("PORTHOLE_GATEWAY_HEARTBEAT_TIMEOUT", "3s")
                .gatewaySetting("PORTHOLE_GATEWAY_TCP_PUBLIC_HOST", "127.0.0.1");
        AdminApi admin = system.startAuthService();
        rangeFirst = system.freeTcpRange(3);
        passthroughPort = FreePorts.loopback();
        for (int i = 0; i < 3; i++) {
            String id = "gw-" + (char) ('a' + i);
            gateways.add(system.newGateway(id)
                    .inCluster(id)
                    .setting("PORTHOLE_GATEWAY_TCP_HOST", ADDRESSES.get(i))
                    .setting("PORTHOLE_GATEWAY_TLS_PASSTHROUGH_HOST", ADDRESSES.get(i))
                    .setting("PORTHOLE_GATEWAY_TLS_PASSTHROUGH_PORT", String.valueOf(passthroughPort))
                    .start());
        }
        web = admin.createCredentials("web", "{\"subdomains\":[\"chat\"]}");
        ports = admin.createCredentials("ports", "{\"tcpPortCount\":1}");
        dbOwner = admin.createCredentials("db-owner", "{\"privateTunnels\":[\"db\"]}");
        alice = admin.createCredentials("alice", "{\"dialTunnels\":[\"db\"]}");
        mallory = admin.createCredentials("mallory", "{\"dialTunnels\":[\"cache\"]}");
        secure = admin.createCredentials("secure", "{\"subdomains\":[\"secure\"]}");
        system.startUpstream();
        digest = ByteServer.start(InetAddress.getLoopbackAddress(), ByteServer::digest);
        balancer = FreePorts.loopback();
        system.startHaproxy(haproxyConfig(), balancer);
    }

    @AfterAll
    static void stop() throws IOException {
        if (digest != null) {
            digest.close();
        }
        system.close();
    }

    @Test
    void aWebSocketReachesATunnelHeldByAnotherInstance() throws Exception {
        PortholeSystem.Agent agent = system.startAgent(
                "ws-agent",
                balancer,
                List.of("-Xmx128m"),
                List.of("--credentials", web, "--subdomain", "chat", "--no-inspect"));
        Gateway holder = holder("porthole:route:http:{chat}");
        Map<Gateway, Double> sentBefore = forwards("sent");
        // Each handshake is a new connection through haproxy's round robin, so two of every three land on an instance
        // without the agent.
        for (int i = 0; i < 6; i++) {
            echoOverWebSocket("message " + i);
        }
        for (Gateway gateway : gateways) {
            if (gateway != holder) {
                assertThat(forwards("sent").get(gateway))
                        .as(gateway.id() + " forwarded WebSocket handshakes to " + holder.id())
                        .isGreaterThan(sentBefore.get(gateway));
            }
        }
        agent.process().stop();
    }

    @Test
    void aTcpPortIsReachableThroughEveryInstanceAndReleasedEverywhere() throws Exception {
        ServiceProcess agent = launch("tcp-agent", balancer, ports, "tcp", String.valueOf(digest.port()));
        String address = agent.awaitFirstLine(WAIT);
        assertThat(address).matches("tcp://127\\.0\\.0\\.1:\\d+");
        int port = Integer.parseInt(address.substring(address.lastIndexOf(':') + 1));
        Gateway holder = holder("porthole:route:tcp:{tcp:" + port + "}");
        // Every instance listens on the port (each on its own address) once the claim was announced.
        await().atMost(WAIT).untilAsserted(() -> {
            for (String host : ADDRESSES) {
                try (Socket probe = new Socket()) {
                    probe.connect(new InetSocketAddress(host, port), 2_000);
                }
            }
        });
        Map<Gateway, Double> sentBefore = forwards("sent");
        int size = 1024 * 1024 + 17;
        for (int i = 0; i < 6; i++) {
            assertThat(TcpTunnelIT.upload(port, size))
                    .as("connection %d through haproxy", i)
                    .isEqualTo(size + " " + TcpTunnelIT.patternDigest(size));
        }
        for (Gateway gateway : gateways) {
            if (gateway != holder) {
                assertThat(forwards("sent").get(gateway))
                        .as(gateway.id() + " carried TCP connections to " + holder.id())
                        .isGreaterThan(sentBefore.get(gateway));
            }
        }

        agent.stop();
        await().atMost(WAIT).untilAsserted(() -> {
            for (String host : ADDRESSES) {
                assertThatThrownBy(() -> {
                            try (Socket probe = new Socket()) {
                                probe.connect(new InetSocketAddress(host, port), 2_000);
                            }
                        })
                        .as("port %d on %s after the agent left", port, host)
                        .isInstanceOf(ConnectException.class);
            }
        });
    }

    @Test
    void aPrivateTunnelIsDialledFromAnAgentOnAnotherInstanceAndAnUngrantedClientIsRefused() throws Exception {
        ServiceProcess publisher = launch(
                "publisher", balancer, dbOwner, "tcp", String.valueOf(digest.port()), "--private", "--name", "db");
        publisher.awaitLog(line -> line.contains("private tunnel 'db' ready"), WAIT);
        Gateway holder = holder("porthole:route:private:{db}");
        Gateway elsewhere =
                gateways.stream().filter(g -> g != holder).findFirst().orElseThrow();

        PortholeSystem.Agent dialer = dial("connect-alice", alice, elsewhere);
        int size = 3 * 1024 * 1024;
        for (int i = 0; i < 2; i++) {
            // The upstream answers only after the dialer's FIN came through both gateways and the publisher.
            assertThat(TcpTunnelIT.upload(dialer.port(), size)).isEqualTo(size + " " + TcpTunnelIT.patternDigest(size));
        }
        assertThat(forwards("received").get(holder))
                .as(holder.id() + " served dials carried from " + elsewhere.id())
                .isGreaterThan(0);
        dialer.process().stop();

        PortholeSystem.Agent refused = dial("connect-mallory", mallory, elsewhere);
        PrivateTunnelIT.assertEveryConnectionRefused(refused.port());
        refused.process().awaitLog(line -> line.contains("client 'mallory' may not dial private tunnel 'db'"), WAIT);
        elsewhere.process().awaitLog(line -> line.contains("client mallory may not dial private tunnel 'db'"), WAIT);
        refused.process().stop();
        publisher.stop();
    }

    /** {@code porthole connect db} connected straight to one instance (not through haproxy), so that it is not the publisher's. */
    @Test
    void aTlsPassthroughTunnelIsReachedThroughEveryInstance() throws Exception {
        Path folder = Path.of("target", "e2e-tls", "ClusterStreamsIT").toAbsolutePath();
        TestCertificates ca = TestCertificates.newCa(folder.resolve("ca-" + System.nanoTime()), "Local Service CA");
        int servicePort =
                TlsPassthroughIT.startHttpsService(system, "s_server", ca.leaf("secure." + PortholeSystem.DOMAIN));
        ServiceProcess agent =
                launch("tls-agent", balancer, secure, "tls", String.valueOf(servicePort), "--subdomain", "secure");
        assertThat(agent.awaitFirstLine(WAIT))
                .isEqualTo("tls://secure." + PortholeSystem.DOMAIN + ":" + passthroughPort);
        Gateway holder = holder("porthole:route:tls:{secure}");
        // The same name through each instance's passthrough listener: two of them carry the connection to the holder.
        for (String address : ADDRESSES) {
            TlsPassthroughIT.Curl curl =
                    TlsPassthroughIT.curl(ca, "secure." + PortholeSystem.DOMAIN, passthroughPort, address);
            assertThat(curl.exitCode())
                    .as("through " + address + " (holder " + holder.id() + "): " + curl.output())
                    .isZero();
            assertThat(curl.output()).contains("subject: CN=secure.porthole.test");
        }
        agent.stop();
    }

    /**
     * The agent running {@code command} as the client with {@code credentials}, connected to
     * 127.0.0.1:{@code port} (haproxy, or one instance), without waiting for it.
     */
    private static ServiceProcess launch(String name, int port, String credentials, String... command) {
        List<String> args = new ArrayList<>(List.of(command));
        args.addAll(List.of("--server", "http://127.0.0.1:" + port, "--credentials", credentials));
        return system.launchAgent(name, args, Map.of());
    }

    private static PortholeSystem.Agent dial(String name, String credentials, Gateway gateway) {
        ServiceProcess process = launch(name, gateway.port(), credentials, "connect", "db", "--listen", "127.0.0.1:0");
        String url = process.awaitFirstLine(WAIT);
        process.awaitLog(line -> line.contains("ready to dial"), WAIT);
        return new PortholeSystem.Agent(process, url);
    }

    private static void echoOverWebSocket(String message) throws Exception {
        CompletableFuture<String> text = new CompletableFuture<>();
        try (HttpClient fresh = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .build()) {
            WebSocket socket = fresh.newWebSocketBuilder()
                    .buildAsync(URI.create("ws://127.0.0.1:" + balancer + "/t/chat/ws"), new WebSocket.Listener() {
                        @Override
                        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                            text.complete(data.toString());
                            webSocket.request(1);
                            return null;
                        }
                    })
                    .get(30, TimeUnit.SECONDS);
            socket.sendText(message, true);
            assertThat(text.get(30, TimeUnit.SECONDS)).isEqualTo(message);
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(10, TimeUnit.SECONDS);
        }
    }

    /** The instance the registry names for a key. */
    private static Gateway holder(String key) {
        String route =
                await().atMost(WAIT).until(() -> system.redisGet(key), value -> value != null && !value.isEmpty());
        return gateways.stream()
                .filter(g -> route.contains("\"gatewayId\":\"" + g.id() + "\""))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no gateway named in " + route));
    }

    private static Map<Gateway, Double> forwards(String outcome) {
        Map<Gateway, Double> counts = new HashMap<>();
        for (Gateway gateway : gateways) {
            counts.put(
                    gateway, ClusterIT.forwards(Http.get(gateway.metricsUrl()).body(), outcome));
        }
        return counts;
    }

    /**
     * Agents and visitors of HTTP tunnels on one port; the TCP range on the same ports of 127.0.0.1,
     * passed on to the same port of 127.0.0.2, .3 or .4 (a server without a port keeps the client's).
     */
    private static String haproxyConfig() {
        StringBuilder tcpPorts = new StringBuilder("""
                frontend tcp_tunnels
                    bind 127.0.0.1:%d-%d
                    default_backend tcp_ports
                backend tcp_ports
                    balance roundrobin
                """.formatted(rangeFirst, rangeFirst + 2));
        for (int i = 0; i < gateways.size(); i++) {
            tcpPorts.append("    server ")
                    .append(gateways.get(i).id())
                    .append(' ')
                    .append(ADDRESSES.get(i))
                    .append('\n');
        }
        return HaproxyConfig.roundRobin(balancer, gateways)
                .section(tcpPorts.toString())
                .text();
    }
}
