package dev.porthole.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.porthole.e2e.support.ByteServer;
import dev.porthole.testing.ServiceProcess;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code porthole forward} as a process: half-close, the connection limit and a target that refuses. */
class ForwardIT {

    private static final Path LOGS = Path.of("target", "e2e-logs", "ForwardIT");

    private static ServiceProcess forward(String name, String target, String... extra) {
        List<String> args =
                new java.util.ArrayList<>(List.of("forward", "--listen", "127.0.0.1:0", "--target", target));
        args.addAll(List.of(extra));
        return ServiceProcess.start(name, "client-agent", List.of("-Xmx128m"), args, Map.of(), LOGS);
    }

    private static int port(ServiceProcess process) {
        String address = process.awaitFirstLine(Duration.ofSeconds(60));
        assertThat(address).startsWith("tcp://127.0.0.1:");
        return Integer.parseInt(address.substring(address.lastIndexOf(':') + 1));
    }

    @Test
    void forwardsWithHalfCloseAndResetsConnectionsBeyondTheLimit() throws Exception {
        try (ByteServer digest = ByteServer.start(InetAddress.getLoopbackAddress(), ByteServer::digest);
                ServiceProcess process =
                        forward("forward-limit", "127.0.0.1:" + digest.port(), "--max-connections", "2")) {
            int port = port(process);
            assertThat(TcpTunnelIT.upload(port, 10 * 1024 * 1024))
                    .isEqualTo(10 * 1024 * 1024 + " " + TcpTunnelIT.patternDigest(10 * 1024 * 1024));
            try (Socket first = new Socket("127.0.0.1", port);
                    Socket second = new Socket("127.0.0.1", port)) {
                first.getOutputStream().write(ByteServer.pattern(1));
                second.getOutputStream().write(ByteServer.pattern(1));
                try (Socket third = new Socket("127.0.0.1", port)) {
                    third.setSoTimeout(10_000);
                    assertThat(readOrReset(third))
                            .as("the third connection is reset")
                            .isEqualTo(-1);
                }
                process.awaitLog(line -> line.contains("2 connections is the limit"), Duration.ofSeconds(10));
                first.shutdownOutput();
                assertThat(new String(first.getInputStream().readAllBytes()))
                        .isEqualTo("1 " + TcpTunnelIT.patternDigest(1));
            }
        }
    }

    @Test
    void forwardsBetweenIpv6Addresses() throws Exception {
        try (ByteServer echo = ByteServer.start(InetAddress.getByName("::1"), ByteServer::echo);
                ServiceProcess process = ServiceProcess.start(
                        "forward-v6",
                        "client-agent",
                        List.of("-Xmx128m"),
                        List.of("forward", "--listen", "[::1]:0", "--target", "[::1]:" + echo.port()),
                        Map.of(),
                        LOGS)) {
            String address = process.awaitFirstLine(Duration.ofSeconds(60));
            assertThat(address).startsWith("tcp://[::1]:");
            int port = Integer.parseInt(address.substring(address.lastIndexOf(':') + 1));
            assertThat(TcpTunnelIT.exchange("::1", port, "v6 to v6")).isEqualTo("v6 to v6");
        }
    }

    @Test
    void aTargetThatRefusesClosesTheConnectionPromptly() throws Exception {
        int closed = dev.porthole.testing.FreePorts.loopback();
        try (ServiceProcess process = forward("forward-refused", "127.0.0.1:" + closed)) {
            int port = port(process);
            try (Socket socket = new Socket("127.0.0.1", port)) {
                socket.setSoTimeout(10_000);
                long start = System.nanoTime();
                assertThat(readOrReset(socket)).isEqualTo(-1);
                assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
            }
            process.awaitLog(line -> line.contains("cannot connect to 127.0.0.1:" + closed), Duration.ofSeconds(10));
        }
    }

    private static int readOrReset(Socket socket) throws java.io.IOException {
        try {
            return socket.getInputStream().read();
        } catch (SocketException reset) {
            return -1;
        }
    }
}
