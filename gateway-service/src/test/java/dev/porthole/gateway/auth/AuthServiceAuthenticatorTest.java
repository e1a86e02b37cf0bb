package dev.porthole.gateway.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.porthole.gateway.config.ServiceTlsConfig;
import dev.porthole.gateway.support.GatewayPortResource;
import dev.porthole.protocol.auth.AgentCredentials;
import dev.porthole.protocol.auth.AuthMethod;
import dev.porthole.protocol.auth.Grants;
import dev.porthole.protocol.auth.Principal;
import dev.porthole.protocol.broadcast.ControlBroadcast;
import dev.porthole.testing.RedisTestResource;
import dev.porthole.testing.TestCertificates;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.Vertx;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import jakarta.inject.Inject;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The gateway's side of the agent-auth contract, against a local HTTP stand-in for auth-service
 * that answers what docs/auth-service.md specifies.
 */
@QuarkusTest
@WithTestResource(RedisTestResource.class)
@WithTestResource(GatewayPortResource.class)
class AuthServiceAuthenticatorTest {

    private static final String INTERNAL_TOKEN = "internal-token-0123456789";
    private static final AgentCredentials CREDENTIALS =
            new AgentCredentials("Bearer agent-secret", "shop", "agent-1", "127.0.0.1");
    private static final Principal SHOP =
            new Principal("shop", AuthMethod.CLIENT_CREDENTIALS, Grants.unrestricted(), 0, "cred-7", 0, null);

    @Inject
    Vertx vertx;

    @Inject
    ObjectMapper json;

    private HttpServer standIn;
    private final List<HttpServerRequest> seen = new CopyOnWriteArrayList<>();
    private final List<String> bodies = new CopyOnWriteArrayList<>();
    private volatile Consumer<HttpServerRequest> answer;

    @BeforeEach
    void startStandIn() throws Exception {
        standIn = vertx.createHttpServer()
                .requestHandler(this::standIn)
                .listen(0, "127.0.0.1")
                .toCompletionStage()
                .toCompletableFuture()
                .get(5, TimeUnit.SECONDS);
    }

    private void standIn(HttpServerRequest request) {
        request.body().onSuccess(body -> {
            seen.add(request);
            bodies.add(body.toString());
            answer.accept(request);
        });
    }

    /** The gateway's {@code auth.service-tls} files. */
    private record ServiceTlsFiles(Optional<String> caFile, Optional<String> certFile, Optional<String> keyFile)
            implements ServiceTlsConfig {}

    @AfterEach
    void stopStandIn() throws Exception {
        standIn.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    }

    private AuthServiceAuthenticator authenticator(URI base, Duration timeout) {
        return authenticator(base, timeout, new ServiceTlsFiles(Optional.empty(), Optional.empty(), Optional.empty()));
    }

    private AuthServiceAuthenticator authenticator(URI base, Duration timeout, ServiceTlsConfig tls) {
        AuthServiceApi api = AuthenticatorSelection.api(base, timeout, tls);
        return new AuthServiceAuthenticator(
                api, INTERNAL_TOKEN, timeout, new PrincipalCache(Duration.ofSeconds(30), 100, Clock.systemUTC()));
    }

    @Test
    void presentsItsClientCertificateToAnAuthServiceThatRequiresOne() throws Exception {
        TestCertificates ca =
                TestCertificates.newCa(Files.createTempDirectory("porthole-auth-mtls"), "Porthole Internal CA");
        TestCertificates.Leaf server = ca.clientAndServerLeaf("localhost");
        TestCertificates.Leaf gateway = ca.clientAndServerLeaf("gateway-1");
        HttpServer requiring = vertx.createHttpServer(new HttpServerOptions()
                        .setSsl(true)
                        .setClientAuth(ClientAuth.REQUIRED)
                        .setKeyCertOptions(new PemKeyCertOptions()
                                .setCertPath(server.cert().toString())
                                .setKeyPath(server.key().toString()))
                        .setTrustOptions(
                                new PemTrustOptions().addCertPath(ca.caFile().toString())))
                .requestHandler(this::standIn)
                .listen(0, "127.0.0.1")
                .toCompletionStage()
                .toCompletableFuture()
                .get(5, TimeUnit.SECONDS);
        try {
            answerPrincipal();
            URI base = URI.create("https://localhost:" + requiring.actualPort());
            Optional<String> caFile = Optional.of(ca.caFile().toString());

            // TLS handshakes on a loaded test machine: a longer wait than the plain stand-in's.
            refusal(authenticator(
                    base, Duration.ofSeconds(10), new ServiceTlsFiles(caFile, Optional.empty(), Optional.empty())));
            assertThat(seen)
                    .as("a caller without a client certificate gets no request through")
                    .isEmpty();

            assertThat(await(authenticator(
                            base,
                            Duration.ofSeconds(10),
                            new ServiceTlsFiles(
                                    caFile,
                                    Optional.of(gateway.cert().toString()),
                                    Optional.of(gateway.key().toString())))))
                    .isEqualTo(SHOP);
            assertThat(seen).hasSize(1);
        } finally {
            requiring.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
        }
    }

    private AuthServiceAuthenticator authenticator() {
        return authenticator(URI.create("http://127.0.0.1:" + standIn.actualPort()), Duration.ofSeconds(2));
    }

    private void answerPrincipal() {
        answer = request -> {
            try {
                request.response().putHeader("Content-Type", "application/json").end(json.writeValueAsString(SHOP));
            } catch (Exception e) {
                request.response().setStatusCode(500).end();
            }
        };
    }

    private void answerProblem(int status, String type, String detail, String retryAfter) {
        answer = request -> {
            var response =
                    request.response().setStatusCode(status).putHeader("Content-Type", "application/problem+json");
            if (retryAfter != null) {
                response.putHeader("Retry-After", retryAfter);
            }
            response.end(new JsonObject()
                    .put("type", type)
                    .put("title", "refused")
                    .put("status", status)
                    .put("detail", detail)
                    .encode());
        };
    }

    private static Principal await(AuthServiceAuthenticator authenticator) throws Exception {
        return authenticator
                .authenticate(CREDENTIALS)
                .toCompletionStage()
                .toCompletableFuture()
                .get(10, TimeUnit.SECONDS);
    }

    private static AgentRejectedException refusal(AuthServiceAuthenticator authenticator) {
        ExecutionException failure = catchThrowableOfType(ExecutionException.class, () -> await(authenticator));
        assertThat(failure).as("the handshake should have been refused").isNotNull();
        assertThat(failure.getCause()).isInstanceOf(AgentRejectedException.class);
        return (AgentRejectedException) failure.getCause();
    }

    @Test
    void sendsTheAgentsCredentialsWithTheServiceCredentialAndReturnsThePrincipal() throws Exception {
        answerPrincipal();
        assertThat(await(authenticator())).isEqualTo(SHOP);
        HttpServerRequest request = seen.getFirst();
        assertThat(request.method().name()).isEqualTo("POST");
        assertThat(request.path()).isEqualTo("/internal/v1/agent-auth");
        assertThat(request.getHeader("Authorization")).isEqualTo("Bearer " + INTERNAL_TOKEN);
        assertThat(json.readValue(bodies.getFirst(), AgentCredentials.class)).isEqualTo(CREDENTIALS);
    }

    @Test
    void reusesAnAcceptanceUntilABroadcastSaysTheClientChanged() throws Exception {
        answerPrincipal();
        AuthServiceAuthenticator authenticator = authenticator();
        await(authenticator);
        await(authenticator);
        assertThat(seen).hasSize(1);
        authenticator.forget(new ControlBroadcast.ClientDisabled("someone-else"));
        await(authenticator);
        assertThat(seen).hasSize(1);
        authenticator.forget(new ControlBroadcast.ClientDisabled("shop"));
        await(authenticator);
        assertThat(seen).hasSize(2);
        authenticator.forget(new ControlBroadcast.CredentialRevoked("shop", "cred-7"));
        await(authenticator);
        assertThat(seen).hasSize(3);
    }

    @Test
    void refusalsAreNeverCached() throws Exception {
        answerProblem(401, "urn:porthole:problem:bad-credentials", "unknown client id or wrong secret", null);
        AuthServiceAuthenticator authenticator = authenticator();
        refusal(authenticator);
        answerPrincipal();
        assertThat(await(authenticator)).isEqualTo(SHOP);
        assertThat(seen).hasSize(2);
    }

    @Test
    void passesTheReasonOfA401Or403ToTheAgent() {
        answerProblem(401, "urn:porthole:problem:bad-credentials", "unknown client id or wrong secret", null);
        AgentRejectedException unauthorized = refusal(authenticator());
        assertThat(unauthorized.status()).isEqualTo(401);
        assertThat(unauthorized.getMessage()).isEqualTo("unknown client id or wrong secret");

        answerProblem(403, "urn:porthole:problem:client-disabled", "client 'shop' is disabled", null);
        AgentRejectedException forbidden = refusal(authenticator());
        assertThat(forbidden.status()).isEqualTo(403);
        assertThat(forbidden.getMessage()).isEqualTo("client 'shop' is disabled");
    }

    @Test
    void aLockoutKeepsItsRetryAfter() {
        answerProblem(429, "urn:porthole:problem:locked-out", "too many failures from 127.0.0.1", "17");
        AgentRejectedException locked = refusal(authenticator());
        assertThat(locked.status()).isEqualTo(429);
        assertThat(locked.retryAfterSeconds()).isEqualTo(17);
        assertThat(locked.getMessage()).contains("too many failures");
    }

    @Test
    void aWrongServiceCredentialIsTheGatewaysFaultNotTheAgents() {
        answerProblem(401, "urn:porthole:problem:service-unauthorized", "bad internal token", null);
        AgentRejectedException refused = refusal(authenticator());
        assertThat(refused.status()).isEqualTo(503);
        assertThat(refused.retryAfterSeconds()).isEqualTo(AuthServiceAuthenticator.RETRY_AFTER_SECONDS);
        assertThat(refused.getMessage()).contains("misconfigured");
    }

    @Test
    void anAuthServiceErrorBecomesRetryLater() {
        answer = request -> request.response().setStatusCode(500).end("boom");
        AgentRejectedException refused = refusal(authenticator());
        assertThat(refused.status()).isEqualTo(503);
        assertThat(refused.retryAfterSeconds()).isEqualTo(AuthServiceAuthenticator.RETRY_AFTER_SECONDS);
    }

    @Test
    void aSilentAuthServiceTimesOutIntoRetryLater() {
        answer = request -> {}; // never answers
        AgentRejectedException refused =
                refusal(authenticator(URI.create("http://127.0.0.1:" + standIn.actualPort()), Duration.ofMillis(300)));
        assertThat(refused.status()).isEqualTo(503);
        assertThat(refused.getMessage()).contains("did not answer");
    }

    @Test
    void anUnreachableAuthServiceBecomesRetryLater() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        AgentRejectedException refused =
                refusal(authenticator(URI.create("http://127.0.0.1:" + closedPort), Duration.ofSeconds(2)));
        assertThat(refused.status()).isEqualTo(503);
        assertThat(refused.retryAfterSeconds()).isEqualTo(AuthServiceAuthenticator.RETRY_AFTER_SECONDS);
    }
}
