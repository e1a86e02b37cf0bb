package dev.porthole.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.porthole.e2e.support.ByteServer;
import dev.porthole.e2e.support.PortholeSystem;
import dev.porthole.e2e.support.SshServer;
import dev.porthole.testing.ServiceProcess;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * TCP tunnels with every part a real process: ssh to an sshd, redis-cli to a redis-server, a large
 * transfer both ways, 500 connections at once, half-close, an upstream that refuses, an agent
 * killed mid-transfer, and refusals the agent reports with exit code 4.
 */
class TcpTunnelIT {

    static final String TOKEN = "e2e-static-token-0123456789";
    /** 1 GiB each way: takes a few seconds on loopback (see the printed timings). */
    private static final long SIZE = 1024L * 1024 * 1024;

    private static final long RESIDENT_BOUND = 320L * 1024 * 1024;
    private static final List<String> SMALL_HEAP = List.of("-Xmx128m", "-XX:MaxDirectMemorySize=64m");

    private static PortholeSystem system;
    private static int rangeFirst;
    private static ByteServer echo;

    @BeforeAll
    static void start() throws IOException {
        system = new PortholeSystem("TcpTunnelIT");
        rangeFirst = system.freeTcpRange(20);
        system.gatewaySetting("PORTHOLE_GATEWAY_AUTH_TOKENS", TOKEN)
                .gatewayJvm(SMALL_HEAP.toArray(String[]::new))
                .startGateway();
        echo = ByteServer.start(InetAddress.getLoopbackAddress(), ByteServer::echo);
    }

    @AfterAll
    static void stop() throws IOException {
        echo.close();
        system.close();
    }

    static PortholeSystem.Agent tcpAgent(String name, String upstream, String... extra) {
        List<String> command = new ArrayList<>(List.of("tcp", upstream, "--token", TOKEN));
        command.addAll(List.of(extra));
        return system.startCommand(name, SMALL_HEAP, command);
    }

    @Test
    void sshRunsACommandThroughATcpTunnel() throws Exception {
        try (SshServer sshd = new SshServer(Path.of("target", "e2e-logs", "TcpTunnelIT", "sshd"))) {
            PortholeSystem.Agent agent = tcpAgent("agent-ssh", String.valueOf(sshd.port()));
            assertThat(agent.url()).startsWith("tcp://" + PortholeSystem.DOMAIN + ":");
            Output ssh = run(sshd.sshCommand("127.0.0.1", agent.port(), "echo hello from $(hostname) via porthole"));
            assertThat(ssh.exitCode()).as(ssh.text()).isZero();
            assertThat(ssh.text()).contains("hello from").contains("via porthole");
            agent.process().stop();
        }
    }

    @Test
    void redisCliTalksToRedisThroughTheTunnelOverIpv4AndIpv6() throws Exception {
        PortholeSystem.Agent agent =
                tcpAgent("agent-redis", String.valueOf(system.redis().port()));
        assertThat(run(List.of(
                                "redis-cli",
                                "-h",
                                "127.0.0.1",
                                "-p",
                                String.valueOf(agent.port()),
                                "SET",
                                "greeting",
                                "through-the-tunnel"))
                        .text())
                .isEqualTo("OK");
        assertThat(run(List.of("redis-cli", "-h", "::1", "-p", String.valueOf(agent.port()), "GET", "greeting"))
                        .text())
                .isEqualTo("through-the-tunnel");
        agent.process().stop();
    }

    @Test
    void anIpv6UpstreamIsReachable() throws Exception {
        try (ByteServer v6 = ByteServer.start(InetAddress.getByName("::1"), ByteServer::echo)) {
            PortholeSystem.Agent agent = tcpAgent("agent-v6", "[::1]:" + v6.port());
            assertThat(exchange("::1", agent.port(), "over IPv6 both ways")).isEqualTo("over IPv6 both ways");
            agent.process().stop();
        }
    }

    @Test
    void aRequestedPortIsGivenAndAPortOutsideTheRangeIsRefused() throws Exception {
        String local = String.valueOf(echo.port());
        String asked = String.valueOf(rangeFirst + 19);
        PortholeSystem.Agent agent = tcpAgent("agent-port", local, "--port", asked);
        assertThat(agent.port()).isEqualTo(rangeFirst + 19);
        assertThat(exchange("127.0.0.1", agent.port(), "on the asked port")).isEqualTo("on the asked port");

        assertRefused(
                system,
                "agent-taken",
                List.of("tcp", local, "--port", asked, "--token", TOKEN),
                Map.of(),
                "TCP port " + asked + " is held by another agent of yours");
        assertRefused(
                system,
                "agent-outside",
                List.of("tcp", local, "--token", TOKEN),
                Map.of("TUNNEL_PORT", "1"),
                "port 1 is outside this gateway's TCP range");
        agent.process().stop();
    }

    /**
     * Starts the agent with {@code command} against {@code system}'s gateway and expects the
     * gateway's refusal: exit code 4 and {@code reason} on standard error.
     */
    static void assertRefused(
            PortholeSystem system, String name, List<String> command, Map<String, String> env, String reason) {
        ServiceProcess agent = system.launchCommand(name, command, env);
        assertThat(agent.awaitExit(Duration.ofSeconds(60))).isEqualTo(4);
        assertThat(agent.stderr()).anyMatch(line -> line.contains(reason));
    }

    @Test
    void aLargeTransferArrivesIntactBothWaysInFlatMemory() throws Exception {
        try (ByteServer digest = ByteServer.start(InetAddress.getLoopbackAddress(), ByteServer::digest);
                ByteServer endless = ByteServer.start(InetAddress.getLoopbackAddress(), ByteServer::endless)) {
            PortholeSystem.Agent up = tcpAgent("agent-upload", String.valueOf(digest.port()));
            PortholeSystem.Agent down = tcpAgent("agent-download", String.valueOf(endless.port()));
            String expected = SIZE + " " + patternDigest(SIZE);

            long start = System.nanoTime();
            assertThat(upload(up.port(), SIZE)).isEqualTo(expected);
            long uploadMs = (System.nanoTime() - start) / 1_000_000;
            start = System.nanoTime();
            assertThat(download(down.port(), SIZE)).isEqualTo(expected);
            long downloadMs = (System.nanoTime() - start) / 1_000_000;
            long gateway = system.gateway().residentBytes();
            System.out.printf(
                    "1 GiB through a TCP tunnel: upload %d ms (%.0f MiB/s), download %d ms (%.0f MiB/s); resident: gateway %d MiB, "
                            + "agents %d / %d MiB%n",
                    uploadMs,
                    1024_000.0 / uploadMs,
                    downloadMs,
                    1024_000.0 / downloadMs,
                    gateway >> 20,
                    up.process().residentBytes() >> 20,
                    down.process().residentBytes() >> 20);
            assertThat(upload(up.port(), SIZE)).as("a second round").isEqualTo(expected);
            assertThat(system.gateway().residentBytes()).isLessThan(RESIDENT_BOUND);
            assertThat(system.gateway().residentBytes() - gateway)
                    .as("flat: the second GiB costs no memory")
                    .isLessThan(48L << 20);
            assertThat(up.process().residentBytes()).isLessThan(RESIDENT_BOUND);
            assertThat(down.process().residentBytes()).isLessThan(RESIDENT_BOUND);
            up.process().stop();
            down.process().stop();
        }
    }

    @Test
    void fiveHundredConcurrentConnectionsEachGetTheirOwnBytesBack() throws Exception {
        PortholeSystem.Agent agent = tcpAgent("agent-many", String.valueOf(echo.port()));
        int connections = 500;
        List<Socket> open = new ArrayList<>();
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            // All 500 are open at the same time before any of them finishes.
            for (int i = 0; i < connections; i++) {
                Socket socket = new Socket("127.0.0.1", agent.port());
                socket.setSoTimeout(30_000);
                open.add(socket);
            }
            List<Future<String>> answers = new ArrayList<>();
            for (int i = 0; i < connections; i++) {
                Socket socket = open.get(i);
                String message = "connection " + i + " " + "x".repeat(1000);
                answers.add(threads.submit(() -> {
                    try (socket) {
                        socket.getOutputStream().write(message.getBytes(StandardCharsets.UTF_8));
                        socket.shutdownOutput();
                        return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                    }
                }));
            }
            for (int i = 0; i < connections; i++) {
                assertThat(answers.get(i).get(60, TimeUnit.SECONDS))
                        .isEqualTo("connection " + i + " " + "x".repeat(1000));
            }
        }
        agent.process().stop();
    }

    @Test
    void halfCloseLetsTheUpstreamAnswerAfterTheVisitorFinishedSending() throws Exception {
        try (ByteServer digest = ByteServer.start(InetAddress.getLoopbackAddress(), ByteServer::digest)) {
            PortholeSystem.Agent agent = tcpAgent("agent-halfclose", String.valueOf(digest.port()));
            // The upstream answers only after it has read to the visitor's FIN.
            assertThat(upload(agent.port(), 5)).isEqualTo("5 " + patternDigest(5));
            agent.process().stop();
        }
    }

    @Test
    void aConnectionWhoseUpstreamRefusesIsClosedPromptly() throws Exception {
        int closed = dev.porthole.testing.FreePorts.loopback();
        PortholeSystem.Agent agent = tcpAgent("agent-refused", String.valueOf(closed));
        try (Socket socket = new Socket("127.0.0.1", agent.port())) {
            socket.setSoTimeout(10_000);
            long start = System.nanoTime();
            int read;
            try {
                read = socket.getInputStream().read();
            } catch (SocketException reset) {
                read = -1;
            }
            long ms = (System.nanoTime() - start) / 1_000_000;
            System.out.printf("connection closed %d ms after the upstream refused%n", ms);
            assertThat(read).isEqualTo(-1);
            assertThat(ms).isLessThan(2_000);
        }
        agent.process().awaitLog(line -> line.contains("cannot connect to 127.0.0.1:" + closed), Duration.ofSeconds(5));
        agent.process().stop();
    }

    @Test
    void theVisitorsConnectionIsClosedWhenTheAgentIsKilledMidTransfer() throws Exception {
        try (ByteServer endless = ByteServer.start(InetAddress.getLoopbackAddress(), ByteServer::endless)) {
            PortholeSystem.Agent agent = tcpAgent("agent-killed", String.valueOf(endless.port()));
            try (Socket socket = new Socket("127.0.0.1", agent.port())) {
                socket.setSoTimeout(10_000);
                InputStream in = socket.getInputStream();
                assertThat(in.readNBytes(1024 * 1024)).hasSize(1024 * 1024);
                long killedAt = System.nanoTime();
                agent.process().kill();
                byte[] buffer = new byte[64 * 1024];
                try {
                    while (in.read(buffer) >= 0) {
                        // Whatever was in flight drains; then the connection must end.
                    }
                } catch (SocketException reset) {
                    // A reset is the expected end.
                }
                long ms = (System.nanoTime() - killedAt) / 1_000_000;
                System.out.printf("visitor's connection ended %d ms after the agent was killed%n", ms);
                assertThat(ms).isLessThan(5_000);
            }
        }
    }

    @Test
    void theAgentGetsItsPortBackAfterTheGatewayRestarts() throws Exception {
        try (PortholeSystem own = new PortholeSystem("TcpTunnelIT-restart")) {
            own.freeTcpRange(20);
            own.gatewaySetting("PORTHOLE_GATEWAY_AUTH_TOKENS", TOKEN).startGateway();
            PortholeSystem.Agent agent = own.startCommand(
                    "agent", SMALL_HEAP, List.of("tcp", String.valueOf(echo.port()), "--token", TOKEN));
            assertThat(exchange("127.0.0.1", agent.port(), "before")).isEqualTo("before");
            own.restartGateway(false);
            long restartedAt = System.nanoTime();
            org.awaitility.Awaitility.await()
                    .atMost(Duration.ofSeconds(40))
                    .pollInterval(Duration.ofMillis(200))
                    .ignoreExceptions()
                    .until(() -> exchange("127.0.0.1", agent.port(), "after").equals("after"));
            System.out.printf(
                    "TCP port served again %d ms after the new gateway was up%n",
                    (System.nanoTime() - restartedAt) / 1_000_000);
            assertThat(agent.process().stderr())
                    .anyMatch(line -> line.contains("reconnected; tunnel 'tcp-" + agent.port() + "'"));
        }
    }

    // ---- helpers ----

    record Output(int exitCode, String text) {}

    static Output run(List<String> command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String text = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(command + " did not finish");
        }
        return new Output(process.exitValue(), text);
    }

    static String exchange(String host, int port, String message) throws IOException {
        try (Socket socket = new Socket(host, port)) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(message.getBytes(StandardCharsets.UTF_8));
            socket.shutdownOutput();
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** Sends {@code size} pattern bytes, half-closes, and returns the upstream's {@code <count> <sha256>} answer. */
    static String upload(int port, long size) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(60_000);
            OutputStream out = socket.getOutputStream();
            inPatternBlocks(size, (block, length) -> out.write(block, 0, length));
            socket.shutdownOutput();
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        }
    }

    /** Reads {@code size} bytes from an endless upstream and returns {@code <count> <sha256>}. */
    static String download(int port, long size) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(60_000);
            MessageDigest digest = ByteServer.sha256();
            InputStream in = socket.getInputStream();
            byte[] buffer = new byte[256 * 1024];
            long total = 0;
            while (total < size) {
                int read = in.read(buffer, 0, (int) Math.min(buffer.length, size - total));
                if (read < 0) {
                    break;
                }
                digest.update(buffer, 0, read);
                total += read;
            }
            return total + " " + HexFormat.of().formatHex(digest.digest());
        }
    }

    static String patternDigest(long size) {
        MessageDigest digest = ByteServer.sha256();
        try {
            inPatternBlocks(size, (block, length) -> digest.update(block, 0, length));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    /** Something done with each block of the first {@code size} pattern bytes. */
    interface BlockSink {
        void accept(byte[] block, int length) throws IOException;
    }

    static void inPatternBlocks(long size, BlockSink sink) throws IOException {
        byte[] block = ByteServer.pattern(64 * 1024);
        for (long left = size; left > 0; left -= block.length) {
            sink.accept(block, (int) Math.min(block.length, left));
        }
    }
}
