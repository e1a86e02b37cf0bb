package dev.porthole.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.porthole.agent.dial.PrivateTunnels;
import dev.porthole.agent.dial.TunnelSocket;
import dev.porthole.e2e.support.AdminApi;
import dev.porthole.e2e.support.ByteServer;
import dev.porthole.e2e.support.PortholeSystem;
import dev.porthole.e2e.support.UdpEcho;
import dev.porthole.e2e.support.UdpVisitor;
import dev.porthole.testing.ServiceProcess;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Private tunnels and TCP grants with real processes: auth-service decides who may publish, dial
 * and take which TCP ports; {@code porthole tcp --private} publishes, {@code porthole connect} and
 * the Java dial API reach it through the gateway, and a client without the grant is refused on
 * every connection. {@code porthole udp --private} publishes a UDP echo that {@code porthole connect
 * --udp} reaches for a granted client, one flow per local source; a client not granted it is refused
 * and gets no answer.
 */
class PrivateTunnelIT {

    private static final Duration WAIT = Duration.ofSeconds(60);

    private static PortholeSystem system;
    private static ByteServer upstream;
    private static ServiceProcess publisher;
    private static String alice;
    private static String mallory;
    private static String portsClient;
    private static String noTcp;
    private static int rangeFirst;
    private static UdpEcho udpEcho;
    private static ServiceProcess udpPublisher;

    @BeforeAll
    static void start() throws IOException {
        system = new PortholeSystem("PrivateTunnelIT");
        AdminApi admin = system.startAuthService();
        rangeFirst = system.freeTcpRange(20);
        system.startGateway();
        String owner = admin.createCredentials("db-owner", "{\"privateTunnels\":[\"db\",\"echo-udp\"]}");
        alice = admin.createCredentials("alice", "{\"dialTunnels\":[\"db\",\"echo-udp\"]}");
        mallory = admin.createCredentials("mallory", "{\"dialTunnels\":[\"cache\"]}");
        portsClient = admin.createCredentials("ports", "{\"tcpPorts\":[" + (rangeFirst + 5) + "]}");
        noTcp = admin.createCredentials("no-tcp", "{}");
        upstream = ByteServer.start(InetAddress.getLoopbackAddress(), ByteServer::digest);
        publisher = publishPrivate(system, "publisher", "tcp", upstream.port(), "db", owner);
        udpEcho = UdpEcho.start();
        udpPublisher = publishPrivate(system, "udp-publisher", "udp", udpEcho.port(), "echo-udp", owner);
    }

    /**
     * Publishes the local {@code port} as the private {@code kind} (tcp or udp) tunnel {@code name};
     * returns once the agent says how granted clients reach it.
     */
    static ServiceProcess publishPrivate(
            PortholeSystem system, String process, String kind, int port, String name, String credentials) {
        ServiceProcess publisher = system.launchCommand(
                process,
                List.of(kind, String.valueOf(port), "--private", "--name", name, "--credentials", credentials),
                Map.of());
        String hint = "porthole connect " + name + ("udp".equals(kind) ? " --udp" : "");
        publisher.awaitLog(line -> line.contains("private tunnel '" + name + "' ready") && line.contains(hint), WAIT);
        return publisher;
    }

    @AfterAll
    static void stop() throws IOException {
        upstream.close();
        if (udpEcho != null) {
            udpEcho.close();
        }
        system.close();
    }

    /** {@code porthole connect db} as the client with {@code credentials}, listening on a free port. */
    private static PortholeSystem.Agent connect(String name, String credentials) {
        return connect(name, List.of("db"), credentials);
    }

    /** {@code porthole connect echo-udp --udp} as the client with {@code credentials}, listening on a free port. */
    private static PortholeSystem.Agent connectUdp(String name, String credentials) {
        return connect(name, List.of("echo-udp", "--udp"), credentials);
    }

    private static PortholeSystem.Agent connect(String name, List<String> target, String credentials) {
        List<String> command = new ArrayList<>(List.of("connect"));
        command.addAll(target);
        command.addAll(List.of("--listen", "127.0.0.1:0", "--credentials", credentials));
        PortholeSystem.Agent agent = system.startCommand(name, List.of("-Xmx128m"), command);
        agent.process().awaitLog(line -> line.contains("ready to dial"), WAIT);
        return agent;
    }

    @Test
    void grantsDecideWhichTcpPortsAClientMayTake() {
        int granted = rangeFirst + 5;
        PortholeSystem.Agent agent = system.startCommand(
                "ports-granted",
                List.of("-Xmx128m"),
                List.of(
                        "tcp",
                        String.valueOf(upstream.port()),
                        "--port",
                        String.valueOf(granted),
                        "--credentials",
                        portsClient));
        assertThat(agent.port()).isEqualTo(granted);

        String local = String.valueOf(upstream.port());
        String other = String.valueOf(granted + 1);
        TcpTunnelIT.assertRefused(
                system,
                "ports-other",
                List.of("tcp", local, "--port", other, "--credentials", portsClient),
                Map.of(),
                "client 'ports' may not open TCP port " + other);
        TcpTunnelIT.assertRefused(
                system,
                "no-tcp",
                List.of("tcp", local, "--credentials", noTcp),
                Map.of(),
                "client 'no-tcp' may not open TCP tunnels");
        agent.process().stop();
    }

    @Test
    void aPrivateTunnelPrintsNoPublicAddress() {
        assertThat(publisher.isAlive()).isTrue();
        assertThat(publisher.stdout()).isEmpty();
    }

    @Test
    void aGrantedClientReachesThePrivateTunnelThroughConnectWithHalfClose() throws Exception {
        PortholeSystem.Agent agent = connect("connect-alice", alice);
        assertThat(agent.url()).startsWith("tcp://127.0.0.1:");
        // The upstream answers only after the dialer's FIN came through gateway and publisher.
        assertThat(TcpTunnelIT.upload(agent.port(), 3 * 1024 * 1024))
                .isEqualTo(3 * 1024 * 1024 + " " + TcpTunnelIT.patternDigest(3 * 1024 * 1024));
        agent.process().stop();
    }

    @Test
    void aGrantedClientReachesAPrivateUdpTunnelThroughConnectUdpOneFlowPerSource() throws Exception {
        PortholeSystem.Agent agent = connectUdp("connect-udp-alice", alice);
        assertThat(agent.url()).startsWith("udp://127.0.0.1:");
        try (UdpVisitor first = UdpVisitor.open(Duration.ofSeconds(1));
                UdpVisitor second = UdpVisitor.open(Duration.ofSeconds(1))) {
            // The first datagram also dials; a datagram is never promised, so each visitor asks until answered.
            assertThat(askUntilAnswered(first, agent.port(), "from first")).isEqualTo("echo:from first");
            assertThat(askUntilAnswered(second, agent.port(), "from second")).isEqualTo("echo:from second");
        }
        agent.process()
                .awaitLog(line -> line.contains("private UDP tunnel 'echo-udp' dialed through the gateway"), WAIT);
        agent.process().stop();
    }

    @Test
    void aClientNotGrantedAPrivateUdpTunnelIsRefusedAndGetsNoAnswer() throws Exception {
        PortholeSystem.Agent agent = connectUdp("connect-udp-mallory", mallory);
        try (UdpVisitor visitor = UdpVisitor.open(Duration.ofSeconds(2))) {
            visitor.send(agent.port(), "SELECT secrets");
            agent.process()
                    .awaitLog(
                            line -> line.contains("private UDP tunnel 'echo-udp' refused: client 'mallory' may not dial"
                                    + " private tunnel 'echo-udp'"),
                            WAIT);
            assertThatThrownBy(visitor::receive).isInstanceOf(SocketTimeoutException.class);
        }
        system.gateway().awaitLog(line -> line.contains("client mallory may not dial private tunnel 'echo-udp'"), WAIT);
        agent.process().stop();
    }

    /** Sends {@code text} until an answer comes (at most ten times, a second apart), as a DNS client retries. */
    private static String askUntilAnswered(UdpVisitor visitor, int port, String text) throws IOException {
        for (int attempt = 0; ; attempt++) {
            visitor.send(port, text);
            try {
                return visitor.receive();
            } catch (SocketTimeoutException unanswered) {
                if (attempt == 9) {
                    throw unanswered;
                }
            }
        }
    }

    @Test
    void aClientNotGrantedTheTunnelIsRefusedOnEveryConnection() throws Exception {
        PortholeSystem.Agent agent = connect("connect-mallory", mallory);
        assertEveryConnectionRefused(agent.port());
        agent.process().awaitLog(line -> line.contains("client 'mallory' may not dial private tunnel 'db'"), WAIT);
        system.gateway().awaitLog(line -> line.contains("client mallory may not dial private tunnel 'db'"), WAIT);
        agent.process().stop();
    }

    /** Two connections to a {@code porthole connect} listener, each closed or reset before any byte of an answer. */
    static void assertEveryConnectionRefused(int port) throws IOException {
        for (int attempt = 0; attempt < 2; attempt++) {
            try (Socket socket = new Socket("127.0.0.1", port)) {
                socket.setSoTimeout(10_000);
                int read;
                try {
                    socket.getOutputStream().write("SELECT secrets".getBytes(StandardCharsets.US_ASCII));
                    read = socket.getInputStream().read();
                } catch (SocketException reset) {
                    read = -1;
                }
                assertThat(read).as("attempt %d", attempt).isEqualTo(-1);
            }
        }
    }

    @Test
    void theJavaApiDialsThePrivateTunnelAndReportsARefusal() throws Exception {
        String basic = "Basic " + Base64.getEncoder().encodeToString(alice.getBytes(StandardCharsets.UTF_8));
        try (PrivateTunnels tunnels =
                PrivateTunnels.connect(URI.create("http://127.0.0.1:" + system.gatewayPort()), basic, WAIT)) {
            try (TunnelSocket db = tunnels.dial("db")) {
                db.getOutputStream().write(ByteServer.pattern(1000));
                db.shutdownOutput();
                String answer = new String(db.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
                assertThat(answer).isEqualTo("1000 " + TcpTunnelIT.patternDigest(1000));
            }
            try (TunnelSocket other = tunnels.dial("cache")) {
                assertThatThrownBy(() -> other.getInputStream().read())
                        .isInstanceOf(IOException.class)
                        .hasMessageContaining("may not dial private tunnel 'cache'");
            }
        }
    }
}
