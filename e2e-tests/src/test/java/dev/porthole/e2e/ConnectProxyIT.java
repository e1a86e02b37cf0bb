package dev.porthole.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.porthole.e2e.support.AdminApi;
import dev.porthole.e2e.support.PortholeSystem;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The gateway as an HTTP proxy with real processes: auth-service decides who may dial, an agent
 * publishes a private TCP tunnel to a small HTTP server, and curl reaches it through
 * {@code CONNECT db:80} with a granted client's token or credentials; a client without the grant
 * and a caller without credentials are refused.
 */
class ConnectProxyIT {

    private static final Duration WAIT = Duration.ofSeconds(60);

    private static PortholeSystem system;
    /** The service behind private tunnel 'db': answers every request with its target (in-process, no JVM to start). */
    private static HttpServer upstream;

    private static String alice;
    private static String aliceToken;
    private static String mallory;

    /** What curl printed (standard output and error) and how it exited. */
    record Curl(int exit, String output) {}

    @BeforeAll
    static void start() throws IOException {
        system = new PortholeSystem("ConnectProxyIT");
        AdminApi admin = system.startAuthService();
        system.startGateway();
        upstream = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        upstream.createContext("/", exchange -> {
            byte[] body = ("db answers " + exchange.getRequestURI()).getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        upstream.start();
        String owner = admin.createCredentials("db-owner", "{\"privateTunnels\":[\"db\"]}");
        alice = admin.createCredentials("alice", "{\"dialTunnels\":[\"db\"]}");
        aliceToken = admin.issueToken("alice");
        mallory = admin.createCredentials("mallory", "{\"dialTunnels\":[\"cache\"]}");
        PrivateTunnelIT.publishPrivate(
                system, "publisher", "tcp", upstream.getAddress().getPort(), "db", owner);
    }

    @AfterAll
    static void stop() throws IOException {
        upstream.stop(0);
        system.close();
    }

    /** curl through the gateway as a plain-HTTP proxy, tunnelling ({@code -p}) to {@code url}; {@code user} as {@code -U}, if any. */
    private static Curl curl(String user, String url) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(
                List.of("curl", "-sS", "--max-time", "20", "-p", "-x", "http://127.0.0.1:" + system.gatewayPort()));
        if (user != null) {
            command.addAll(List.of("-U", user));
        }
        command.add(url);
        Process curl = new ProcessBuilder(command).redirectErrorStream(true).start();
        assertThat(curl.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return new Curl(curl.exitValue(), new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    }

    @Test
    void aGrantedClientReachesThePrivateTunnelWithItsTokenOrItsCredentials() throws Exception {
        Curl withToken = curl("x:" + aliceToken, "http://db:80/headers?via=token");
        assertThat(withToken.exit()).as(withToken.output()).isZero();
        assertThat(withToken.output()).isEqualTo("db answers /headers?via=token");

        Curl withCredentials = curl(alice, "http://db:5432/headers?via=credentials");
        assertThat(withCredentials.exit()).as(withCredentials.output()).isZero();
        assertThat(withCredentials.output()).isEqualTo("db answers /headers?via=credentials");
    }

    @Test
    void aClientWithoutTheGrantIsRefused() throws Exception {
        Curl refused = curl(mallory, "http://db:80/headers");
        assertThat(refused.exit()).as(refused.output()).isNotZero();
        assertThat(refused.output()).contains("403");
        system.gateway().awaitLog(line -> line.contains("client mallory may not dial private tunnel 'db'"), WAIT);
    }

    @Test
    void aCallerWithoutCredentialsOrWithAWrongTokenIsAskedForThem() throws Exception {
        Curl anonymous = curl(null, "http://db:80/headers");
        assertThat(anonymous.exit()).as(anonymous.output()).isNotZero();
        assertThat(anonymous.output()).contains("407");

        Curl wrong = curl("x:pht_not-a-token-of-anyone", "http://db:80/headers");
        assertThat(wrong.exit()).as(wrong.output()).isNotZero();
        assertThat(wrong.output()).contains("407");
    }

    @Test
    void nothingButAPrivateTunnelIsReached() throws Exception {
        Curl elsewhere = curl(
                "x:" + aliceToken, "http://127.0.0.1:" + upstream.getAddress().getPort() + "/headers");
        assertThat(elsewhere.exit()).as(elsewhere.output()).isNotZero();
        assertThat(elsewhere.output()).contains("403");
    }
}
