package dev.porthole.agent.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.porthole.agent.dial.TunnelSocket;
import dev.porthole.agent.tunnel.AgentExit;
import dev.porthole.protocol.CloseCode;
import dev.porthole.protocol.message.GoAway;
import dev.porthole.protocol.mux.MuxSession;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A listener connects or says why not, and {@link PortholeListener#close()} ends the tunnel like the CLI agent stopping. */
class ListenerLifecycleTest {

    @Test
    void aRefusedNameFailsWithTheGatewaysReason() throws Exception {
        String reason = "subdomain 'api' is held by another client; pick another or ask an admin to release it";
        try (StandInGateway gateway = new StandInGateway(Map.of("api", reason))) {
            assertThatThrownBy(() -> Porthole.listen(gateway.url(), "t0ken", "api"))
                    .isInstanceOf(PortholeException.class)
                    .hasMessage(reason)
                    .extracting(error -> ((PortholeException) error).exitCode())
                    .isEqualTo(AgentExit.TUNNEL_REFUSED);
        }
    }

    @Test
    void aTunnelRefusedForNowIsAskedForAgainUntilTheGatewayGrantsIt() throws Exception {
        try (StandInGateway gateway = new StandInGateway().refusingForNow(2);
                PortholeListener listener = Porthole.listen(gateway.url(), "t0ken", "web")) {
            assertThat(listener.publicUrl()).isEqualTo("http://web.porthole.test");
        }
    }

    @Test
    void aTunnelStillRefusedForNowAtTheConnectTimeoutFailsWithTheGatewaysReason() throws Exception {
        try (StandInGateway gateway = new StandInGateway().refusingForNow(Integer.MAX_VALUE)) {
            assertThatThrownBy(() -> Porthole.builder()
                            .server(gateway.url())
                            .token("t0ken")
                            .connectTimeout(Duration.ofSeconds(2))
                            .http("web"))
                    .isInstanceOf(PortholeException.class)
                    .hasMessageContaining("did not grant the tunnel within 2000 ms")
                    .hasMessageEndingWith("it last refused it for now: the tunnel registry is unavailable right now")
                    .extracting(error -> ((PortholeException) error).exitCode())
                    .isEqualTo(AgentExit.UNREACHABLE);
        }
    }

    @Test
    void aGatewayThatIsNotThereFailsWithinTheConnectTimeout() {
        assertThatThrownBy(() -> Porthole.builder()
                        .server("http://127.0.0.1:1")
                        .connectTimeout(Duration.ofSeconds(2))
                        .tcp(0))
                .isInstanceOf(PortholeException.class)
                .hasMessageContaining("127.0.0.1:1");
    }

    @Test
    void badOptionsAreRefusedBeforeConnecting() {
        assertThatThrownBy(() -> Porthole.builder().server("gateway.example.com"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("https://gateway.example.com");
        assertThatThrownBy(() -> Porthole.builder().server("http://127.0.0.1:1").http("not a name"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("subdomain 'not a name'");
        assertThatThrownBy(() -> Porthole.builder().backlog(0)).hasMessageContaining("backlog must be between 1");
        assertThatThrownBy(() -> Porthole.builder().tcp(0)).hasMessageContaining("server(");
    }

    @Test
    void reconnectsWhenTheConnectionDropsAndServesTheNewOne() throws Exception {
        try (StandInGateway gateway = new StandInGateway();
                PortholeListener listener =
                        Porthole.builder().server(gateway.url()).token("t0ken").tcp(0)) {
            gateway.session().close(CloseCode.GOING_AWAY, "gateway restarting");

            MuxSession again = gateway.nextSession();
            again.openStream("tcp-" + StandInGateway.TCP_PORT, "203.0.113.7:42000", null)
                    .end(Buffer.buffer("after the reconnect"));
            try (TunnelSocket socket = listener.accept(Duration.ofSeconds(10))) {
                assertThat(new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8))
                        .isEqualTo("after the reconnect");
            }
            assertThat(listener.publicUrl()).isEqualTo("tcp://porthole.test:" + StandInGateway.TCP_PORT);
        }
    }

    @Test
    void eachKindRefusesTheOthersWayOfServing() throws Exception {
        try (StandInGateway gateway = new StandInGateway();
                PortholeListener web = Porthole.listen(gateway.url(), "t0ken", "web");
                PortholeListener raw =
                        Porthole.builder().server(gateway.url()).token("t0ken").tcp(0)) {
            assertThatThrownBy(web::accept)
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("serve an HTTP tunnel with handle()");
            assertThatThrownBy(() -> raw.handle(request -> {}))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("take a TCP tunnel's connections with accept()");
        }
    }

    @Test
    void closeEndsTheTunnelWakesAcceptAndIsIdempotent() throws Exception {
        try (StandInGateway gateway = new StandInGateway()) {
            PortholeListener listener =
                    Porthole.builder().server(gateway.url()).token("t0ken").tcp(0);
            CompletableFuture<Throwable> acceptor = new CompletableFuture<>();
            Thread waiting = Thread.ofVirtual().start(() -> {
                try {
                    listener.accept();
                    acceptor.complete(null);
                } catch (Throwable e) {
                    acceptor.complete(e);
                }
            });

            listener.close();
            // close() waits for the connection to be closed, not for a fixed time: the gateway has seen it end.
            assertThat(gateway.closed.get(500, TimeUnit.MILLISECONDS)).contains("agent stopped");
            listener.close();

            GoAway away = gateway.goAway.get(10, TimeUnit.SECONDS);
            assertThat(away.reason()).isEqualTo("agent stopped");
            assertThat(gateway.closed.get(10, TimeUnit.SECONDS)).contains("agent stopped");
            assertThat(acceptor.get(10, TimeUnit.SECONDS))
                    .isInstanceOf(IOException.class)
                    .hasMessage("the listener is closed");
            assertThatThrownBy(listener::accept).isInstanceOf(IOException.class);
            waiting.join(Duration.ofSeconds(5));
        }
    }

    @Test
    void closeReturnsOnlyOnceASlowGatewayHasReadGoAwayAndClosed() throws Exception {
        try (StandInGateway gateway = new StandInGateway()) {
            PortholeListener listener =
                    Porthole.builder().server(gateway.url()).token("t0ken").tcp(0);
            MuxSession session = gateway.session();
            // A gateway slow to read for 2 s: it takes GOAWAY and the close frame, and closes the connection, only
            // then.
            CountDownLatch held = new CountDownLatch(1);
            session.context().runOnContext(ignored -> {
                held.countDown();
                try {
                    new CountDownLatch(1).await(2, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            assertThat(held.await(10, TimeUnit.SECONDS)).isTrue();

            listener.close();

            // The gateway reads GOAWAY before the close frame it answers by closing: so it has read it by now.
            assertThat(gateway.goAway)
                    .as("GOAWAY reached the gateway before close() returned")
                    .isDone();
            assertThat(gateway.closed.get(10, TimeUnit.SECONDS)).contains("agent stopped");
        }
    }
}
