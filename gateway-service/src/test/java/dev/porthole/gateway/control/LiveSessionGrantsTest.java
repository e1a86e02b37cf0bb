package dev.porthole.gateway.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.porthole.gateway.ingress.ErrorPages;
import dev.porthole.gateway.support.GatewayPortResource;
import dev.porthole.gateway.support.GatewayTestProfiles;
import dev.porthole.gateway.support.Policies;
import dev.porthole.gateway.support.TcpRangeResource;
import dev.porthole.gateway.support.TestAgent;
import dev.porthole.gateway.support.Upstreams;
import dev.porthole.gateway.support.Visitor;
import dev.porthole.protocol.CloseCode;
import dev.porthole.protocol.auth.AuthMethod;
import dev.porthole.protocol.auth.Grants;
import dev.porthole.protocol.auth.PolicyRequirement;
import dev.porthole.protocol.auth.Principal;
import dev.porthole.protocol.auth.SessionCheck;
import dev.porthole.protocol.auth.SessionStanding;
import dev.porthole.protocol.broadcast.BroadcastCodec;
import dev.porthole.protocol.broadcast.ControlBroadcast;
import dev.porthole.protocol.message.Notice;
import dev.porthole.protocol.message.TunnelKind;
import dev.porthole.protocol.message.TunnelRequest;
import dev.porthole.protocol.message.TunnelResult;
import dev.porthole.protocol.mux.MuxStream;
import dev.porthole.testing.FreePorts;
import dev.porthole.testing.RedisTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.redis.client.RedisAPI;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A grant taken away over the admin API ends what it allowed on live sessions (a subdomain, a TCP
 * port, a dial permission), and a revoke or kick whose broadcast was lost while the gateway
 * resubscribed still ends the session once the subscription is back. auth-service is a local HTTP
 * stand-in answering agent-auth and session-check as docs/auth-service.md specifies, with grants
 * and revocations the test changes; Redis is real.
 */
@QuarkusTest
@TestProfile(LiveSessionGrantsTest.WithAuthService.class)
@WithTestResource(RedisTestResource.class)
@WithTestResource(GatewayPortResource.class)
@WithTestResource(TcpRangeResource.class)
class LiveSessionGrantsTest {

    static final int AUTH_PORT = FreePorts.loopback();
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Each test's client, by the client id the agent sends: its grants now, as auth-service would read them from Redis. */
    private static final Map<String, Grants> GRANTS = new ConcurrentHashMap<>();
    /** Credentials revoked (by client id) and sessions kicked, as auth-service would find them in Redis. */
    private static final Set<String> REVOKED = ConcurrentHashMap.newKeySet();

    private static final Set<String> KICKED = ConcurrentHashMap.newKeySet();
    /** While set, session-check answers 503, as an auth-service that is down. */
    private static final AtomicBoolean CHECKS_DOWN = new AtomicBoolean();

    private static final AtomicInteger CHECKS_ASKED = new AtomicInteger();
    private static final HttpServer AUTH_SERVICE = startAuthService();

    public static final class WithAuthService extends GatewayTestProfiles.Overrides {
        public WithAuthService() {
            super("""
                    porthole.gateway.auth.tokens=
                    porthole.gateway.auth.service-url=http://127.0.0.1:%d
                    porthole.internal.token=test-internal-token-0123456789
                    """.formatted(AUTH_PORT));
        }
    }

    @Inject
    Vertx vertx;

    @Inject
    RedisAPI redis;

    @Inject
    ControlBroadcasts broadcasts;

    @Inject
    SessionRechecks rechecks;

    @BeforeEach
    void subscribed() {
        await().until(broadcasts::isSubscribed);
    }

    @AfterAll
    static void stopAuthService() {
        AUTH_SERVICE.stop(0);
    }

    @Test
    void aSubdomainTakenAwayStopsServingOnTheLiveSessionAndTheAgentIsToldWhy() throws Exception {
        GRANTS.put("shop", grants(List.of("shop-api", "shop-www"), List.of(), List.of(), List.of()));
        TestAgent agent = connect(
                        "shop", List.of(TunnelRequest.http("shop-api", "x:1"), TunnelRequest.http("shop-www", "x:1")))
                .serving(Upstreams.respond(200, "served"));
        agent.awaitWelcome();
        Visitor visitor = new Visitor(vertx, GatewayPortResource.port());
        assertThat(visitor.get("shop-api.porthole.test", "/").status()).isEqualTo(200);

        GRANTS.put("shop", grants(List.of("shop-www"), List.of(), List.of(), List.of()));
        publish(new ControlBroadcast.ClientGrantsChanged("shop"));

        await().atMost(Duration.ofSeconds(5))
                .untilAsserted(() -> assertThat(
                                visitor.get("shop-api.porthole.test", "/").status())
                        .as("a subdomain no longer granted")
                        .isEqualTo(404));
        assertThat(visitor.get("shop-www.porthole.test", "/").status())
                .as("the subdomain still granted")
                .isEqualTo(200);
        await().untilAsserted(() -> assertThat(agent.notices)
                .extracting(Notice::text)
                .anySatisfy(
                        text -> assertThat(text).contains("tunnel 'shop-api' was closed", "may no longer hold it")));
        assertThat(agent.closed).isNotDone();
        agent.close();
    }

    @Test
    void aRequestInFlightWhenItsSubdomainIsTakenAwayIsAnsweredAtOnceNotLeftToTimeOut() throws Exception {
        GRANTS.put("held", grants(List.of("held-api"), List.of(), List.of(), List.of()));
        List<MuxStream> heldByTheAgent = new CopyOnWriteArrayList<>();
        TestAgent agent = connect("held", List.of(TunnelRequest.http("held-api", "x:1")))
                .serving((stream, open) -> heldByTheAgent.add(stream));
        agent.awaitWelcome();
        Visitor visitor = new Visitor(vertx, GatewayPortResource.port());
        CompletableFuture<Visitor.Reply> inFlight =
                CompletableFuture.supplyAsync(() -> visitor.get("held-api.porthole.test", "/"));
        await().until(() -> !heldByTheAgent.isEmpty());

        GRANTS.put("held", grants(List.of(), List.of(), List.of(), List.of()));
        publish(new ControlBroadcast.ClientGrantsChanged("held"));

        // The gateway reset the stream itself: the visitor's exchange must hear of it, not wait for the
        // response timeout (a 504 "upstream-timeout").
        Visitor.Reply reply = inFlight.get(20, TimeUnit.SECONDS);
        assertThat(reply.status()).isEqualTo(502);
        assertThat(reply.header(ErrorPages.ERROR_HEADER)).isEqualTo("stream-reset");
    }

    @Test
    void aTunnelWithoutThePolicyTheGrantsRequireIsRefusedNamingTheFlagsThatWouldMeetIt() throws Exception {
        GRANTS.put(
                "guarded",
                new Grants(
                        List.of("guarded-*"),
                        false,
                        List.of(),
                        0,
                        List.of(),
                        List.of(),
                        0,
                        0,
                        0,
                        0,
                        new PolicyRequirement("login", List.of())));
        TestAgent agent = connect(
                "guarded",
                List.of(
                        TunnelRequest.http("guarded-open", "x:1"),
                        TunnelRequest.http("guarded-basic", "x:1").withPolicy(Policies.basicAuth("u", "p"))));
        List<TunnelResult> results = agent.awaitWelcome().tunnels();
        assertThat(results.get(0).granted()).isFalse();
        assertThat(results.get(0).status()).isEqualTo(TunnelResult.FORBIDDEN);
        assertThat(results.get(0).message())
                .isEqualTo("client 'guarded' must protect its HTTP tunnels with a login: basic auth (--basic-auth)"
                        + " or OIDC (--oidc-issuer); an administrator set this in its grants");
        assertThat(results.get(1).granted()).as("basic auth meets 'login'").isTrue();
        agent.close();
    }

    @Test
    void aTcpPortTakenAwayIsClosedOnTheLiveSession() throws Exception {
        int port = TcpRangeResource.first() + 1;
        GRANTS.put("ports", grants(List.of("ports-www"), List.of(port), List.of(), List.of()));
        TestAgent agent = connect(
                        "ports",
                        List.of(
                                TunnelRequest.http("ports-www", "x:1"),
                                new TunnelRequest(TunnelKind.TCP, "", port, false, "x:2")))
                .serving(Upstreams.echo());
        assertThat(agent.awaitWelcome().tunnels())
                .allSatisfy(result -> assertThat(result.granted()).isTrue());
        new Socket("127.0.0.1", port).close();

        GRANTS.put("ports", grants(List.of("ports-www"), List.of(), List.of(), List.of()));
        publish(new ControlBroadcast.ClientGrantsChanged("ports"));

        await().atMost(Duration.ofSeconds(5))
                .untilAsserted(() -> assertThat(refusesConnections(port))
                        .as("port %d no longer granted", port)
                        .isTrue());
        await().untilAsserted(() -> assertThat(agent.notices)
                .extracting(Notice::text)
                .anySatisfy(text -> assertThat(text).contains("tunnel 'tcp-" + port + "' was closed")));
        agent.close();
    }

    /**
     * A client's tunnel limit counts the tunnels its sessions hold: grants held back because another
     * tunnel of the same HELLO was refused for now (503, TRY_AGAIN_LATER) give their places back, or
     * the agent's retry would find its own held-back tunnels counted against it.
     */
    @Test
    void grantsHeldBackForARefusalForNowGiveTheirPlacesUnderTheTunnelLimitBack() throws Exception {
        GRANTS.put(
                "counted",
                new Grants(
                        List.of("counted-a", "counted-b", "counted-c"),
                        false,
                        List.of(),
                        1,
                        List.of(),
                        List.of(),
                        2,
                        0,
                        0,
                        0));
        // Every port of the gateway's TCP range in use on the host: a random port is refused for now (503).
        List<ServerSocket> taken = new ArrayList<>();
        try {
            for (int port = TcpRangeResource.first(); port <= TcpRangeResource.last(); port++) {
                try {
                    taken.add(new ServerSocket(port));
                } catch (BindException inUse) {
                    // Held already, by the gateway for another test's tunnel: no free port either way.
                }
            }
            TestAgent heldBack = connect(
                    "counted",
                    List.of(
                            TunnelRequest.http("counted-a", "x:1"),
                            new TunnelRequest(TunnelKind.TCP, "", 0, false, "x:2")));
            assertThat(heldBack.awaitWelcome().tunnels()).hasSize(2).noneMatch(TunnelResult::granted);
            assertThat(heldBack.closeCodeWhenClosed()).isEqualTo(CloseCode.TRY_AGAIN_LATER.code());
        } finally {
            for (ServerSocket socket : taken) {
                socket.close();
            }
        }

        TestAgent next = connect(
                "counted", List.of(TunnelRequest.http("counted-b", "x:1"), TunnelRequest.http("counted-c", "x:2")));

        assertThat(next.awaitWelcome().tunnels())
                .hasSize(2)
                .allSatisfy(result ->
                        assertThat(result.granted()).as(result.message()).isTrue());
        next.close();
    }

    @Test
    void aDialPermissionTakenAwayResetsOpenDialsAndRefusesNewOnes() throws Exception {
        GRANTS.put("vault", grants(List.of(), List.of(), List.of("vault-db"), List.of()));
        GRANTS.put("app", grants(List.of(), List.of(), List.of(), List.of("vault-db")));
        TestAgent publisher = connect(
                        "vault", List.of(new TunnelRequest(TunnelKind.TCP, "vault-db", 0, true, "x:5432")))
                .serving(Upstreams.echo());
        publisher.awaitWelcome();
        TestAgent dialer = connect("app", List.of());
        dialer.awaitWelcome();
        MuxStream open = dialer.dial("vault-db");
        CompletableFuture<Throwable> reset = new CompletableFuture<>();
        CompletableFuture<String> echoed = new CompletableFuture<>();
        open.exceptionHandler(reset::complete);
        open.handler(data -> echoed.complete(data.toString(StandardCharsets.UTF_8)));
        open.write(Buffer.buffer("ping"));
        assertThat(echoed.get(5, TimeUnit.SECONDS)).isEqualTo("ping");

        GRANTS.put("app", grants(List.of(), List.of(), List.of(), List.of()));
        publish(new ControlBroadcast.ClientGrantsChanged("app"));

        assertThat(reset.get(5, TimeUnit.SECONDS)).hasMessageContaining("may no longer dial this private tunnel");
        MuxStream again = dialer.dial("vault-db");
        CompletableFuture<Throwable> refused = new CompletableFuture<>();
        again.exceptionHandler(refused::complete);
        assertThat(refused.get(5, TimeUnit.SECONDS)).hasMessageContaining("may not dial private tunnel 'vault-db'");
        dialer.close();
        publisher.close();
    }

    @Test
    void aRevokeAndAKickPublishedWhileTheSubscriptionWasDownAreAppliedWhenItIsBack() throws Exception {
        GRANTS.put("lost", grants(List.of("lost-a"), List.of(), List.of(), List.of()));
        GRANTS.put("kept", grants(List.of("kept-a"), List.of(), List.of(), List.of()));
        TestAgent revoked = connect("lost", List.of(TunnelRequest.http("lost-a", "x:1")));
        TestAgent kicked = connect("kept", List.of(TunnelRequest.http("kept-a", "x:1")));
        revoked.awaitWelcome();
        String kickedSession = kicked.awaitWelcome().sessionId();

        // Redis drops the gateway's subscriber connection; what is published before it resubscribes is lost.
        redis.send(io.vertx.redis.client.Command.CLIENT, "KILL", "TYPE", "pubsub")
                .toCompletionStage()
                .toCompletableFuture()
                .get(5, TimeUnit.SECONDS);
        REVOKED.add("lost");
        KICKED.add(kickedSession);
        publish(new ControlBroadcast.CredentialRevoked("lost", "sec_lost"));
        publish(new ControlBroadcast.SessionKicked(kickedSession, "any", "kept"));

        await().atMost(Duration.ofSeconds(10)).until(() -> revoked.closeCode() == CloseCode.CREDENTIALS_REVOKED.code());
        assertThat(revoked.closed.join()).contains("the credential this agent used was revoked");
        await().atMost(Duration.ofSeconds(10)).until(() -> kicked.closeCode() == CloseCode.KICKED.code());
    }

    @Test
    void aFullRecheckWhileOneIsRetryingRunsOnceAfterItInsteadOfBesideIt() throws Exception {
        GRANTS.put("flap", grants(List.of("flap-a"), List.of(), List.of(), List.of()));
        TestAgent agent = connect("flap", List.of(TunnelRequest.http("flap-a", "x:1")));
        agent.awaitWelcome();
        CHECKS_DOWN.set(true);
        try {
            int before = CHECKS_ASKED.get();
            var first = rechecks.all();
            await().until(() -> CHECKS_ASKED.get() > before);
            var second = rechecks.all();
            assertThat(second.succeeded())
                    .as("not started beside the one retrying")
                    .isTrue();
            assertThat(first.isComplete())
                    .as("the first retries while auth-service is down")
                    .isFalse();
            REVOKED.add("flap");
        } finally {
            CHECKS_DOWN.set(false);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> agent.closeCode() == CloseCode.CREDENTIALS_REVOKED.code());
    }

    private TestAgent connect(String clientId, List<TunnelRequest> tunnels) {
        return TestAgent.connect(
                vertx, GatewayPortResource.port(), "Bearer agent-token-of-" + clientId, "agent-" + clientId, tunnels);
    }

    private void publish(ControlBroadcast broadcast) throws Exception {
        redis.publish("porthole:control", BroadcastCodec.toJson(broadcast))
                .toCompletionStage()
                .toCompletableFuture()
                .get(5, TimeUnit.SECONDS);
    }

    private static Grants grants(
            List<String> subdomains, List<Integer> tcpPorts, List<String> privateTunnels, List<String> dialTunnels) {
        return new Grants(subdomains, false, tcpPorts, 0, privateTunnels, dialTunnels, 0, 0, 0, 0);
    }

    private static Principal principal(String clientId) {
        return new Principal(clientId, AuthMethod.STATIC_TOKEN, GRANTS.get(clientId), 0, "sec_" + clientId, 0, null);
    }

    private static boolean refusesConnections(int port) {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            return false;
        } catch (ConnectException refused) {
            return true;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static HttpServer startAuthService() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", AUTH_PORT), 0);
            server.createContext("/internal/v1/agent-auth", exchange -> {
                Map<String, Object> credentials = JSON.readValue(exchange.getRequestBody(), new TypeReference<>() {});
                String clientId =
                        String.valueOf(credentials.get("authorization")).substring("Bearer agent-token-of-".length());
                answer(exchange, principal(clientId));
            });
            server.createContext("/internal/v1/session-check", exchange -> {
                CHECKS_ASKED.incrementAndGet();
                if (CHECKS_DOWN.get()) {
                    exchange.sendResponseHeaders(503, -1);
                    exchange.close();
                    return;
                }
                List<SessionCheck> checks = JSON.readValue(exchange.getRequestBody(), new TypeReference<>() {});
                answer(
                        exchange,
                        checks.stream()
                                .map(check -> {
                                    String clientId = check.principal().clientId();
                                    if (KICKED.contains(check.sessionId())) {
                                        return SessionStanding.kicked(check.sessionId());
                                    }
                                    return REVOKED.contains(clientId)
                                            ? SessionStanding.revoked(
                                                    check.sessionId(),
                                                    "the credential this agent used was revoked; get a new one")
                                            : SessionStanding.valid(check.sessionId(), principal(clientId));
                                })
                                .toList());
            });
            server.start();
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void answer(HttpExchange exchange, Object body) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(200, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }
}
