package dev.porthole.gateway.policy;

import static dev.porthole.gateway.support.TestAgent.TOKEN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.porthole.gateway.ingress.ErrorPages;
import dev.porthole.gateway.support.GatewayPortResource;
import dev.porthole.gateway.support.GatewayTestProfiles;
import dev.porthole.gateway.support.Policies;
import dev.porthole.gateway.support.TestAgent;
import dev.porthole.gateway.support.Upstreams;
import dev.porthole.gateway.support.Visitor;
import dev.porthole.protocol.message.Header;
import dev.porthole.protocol.message.Open;
import dev.porthole.protocol.message.TunnelPolicy;
import dev.porthole.protocol.message.TunnelRequest;
import dev.porthole.protocol.message.TunnelResult;
import dev.porthole.testing.RedisTestResource;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.elytron.security.common.BcryptUtil;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.redis.client.RedisAPI;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Each rule of a tunnel's edge policy against real visitors over loopback (IPv4 and IPv6) and a
 * test agent: what is refused never opens a stream to the agent.
 */
@QuarkusTest
@TestProfile(GatewayTestProfiles.DualStack.class)
@WithTestResource(RedisTestResource.class)
@WithTestResource(GatewayPortResource.class)
class EdgePolicyTest {

    private static final TunnelPolicy EMPTY = TunnelPolicy.NONE;

    @Inject
    Vertx vertx;

    @Inject
    MeterRegistry meters;

    @Inject
    RedisAPI redis;

    private TestAgent agent;

    @AfterEach
    void disconnect() {
        TestAgent.closeAndAwait(agent);
    }

    private TunnelResult connect(String name, TunnelPolicy policy) {
        agent = TestAgent.connect(
                vertx,
                GatewayPortResource.port(),
                TOKEN,
                "agent-" + name,
                List.of(TunnelRequest.http(name, "x:1").withPolicy(policy)));
        return agent.awaitWelcome().tunnels().getFirst();
    }

    private String serve(String name, TunnelPolicy policy) {
        assertThat(connect(name, policy).granted()).isTrue();
        agent.serving(Upstreams.respond(200, "served"));
        return name + ".porthole.test";
    }

    private static TunnelPolicy with(
            List<TunnelPolicy.BasicAuthUser> users,
            List<String> allow,
            List<String> deny,
            List<TunnelPolicy.Webhook> webhooks,
            String rate) {
        return new TunnelPolicy(users, allow, deny, webhooks, List.of(), List.of(), List.of(), List.of(), rate);
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    private Visitor.Reply get(String address, String host, MultiMap headers) {
        return new Visitor(vertx, address, GatewayPortResource.port()).send(HttpMethod.GET, host, "/", headers, null);
    }

    @Test
    void basicAuthRefusesMissingAndWrongPasswordsWith401AndLetsTheRightOneThrough() {
        String host = serve(
                "basic",
                with(
                        List.of(new TunnelPolicy.BasicAuthUser("alice", BcryptUtil.bcryptHash("s3cret", 4))),
                        List.of(),
                        List.of(),
                        List.of(),
                        ""));

        Visitor.Reply missing = get("127.0.0.1", host, MultiMap.caseInsensitiveMultiMap());
        assertThat(missing.status()).isEqualTo(401);
        assertThat(missing.header("WWW-Authenticate")).isEqualTo("Basic realm=\"basic\", charset=\"UTF-8\"");
        assertThat(missing.header(ErrorPages.ERROR_HEADER)).isEqualTo("policy-basic-auth");
        Visitor.Reply wrong = get(
                "127.0.0.1", host, MultiMap.caseInsensitiveMultiMap().add("Authorization", basic("alice", "guess")));
        assertThat(wrong.status()).isEqualTo(401);
        Visitor.Reply unknown = get(
                "127.0.0.1", host, MultiMap.caseInsensitiveMultiMap().add("Authorization", basic("mallory", "s3cret")));
        assertThat(unknown.status()).isEqualTo(401);
        assertThat(agent.opened).as("no refused request reached the agent").isEmpty();

        for (int i = 0; i < 2; i++) {
            // The second time from what the gateway remembers of the first.
            Visitor.Reply right = get(
                    "127.0.0.1",
                    host,
                    MultiMap.caseInsensitiveMultiMap().add("Authorization", basic("alice", "s3cret")));
            assertThat(right.status()).isEqualTo(200);
            assertThat(right.text()).isEqualTo("served");
        }
        Open open = agent.opened.getFirst();
        assertThat(header(open, "X-Porthole-User")).isEqualTo("alice");
        assertThat(header(open, "X-Porthole-Policy")).isEqualTo("basic-auth");
        assertThat(header(open, "Authorization"))
                .as("the password was meant for the gateway")
                .isNull();
        assertThat(meters.counter("porthole.gateway.policy.decisions", "rule", "basic-auth", "outcome", "refused")
                        .count())
                .isGreaterThanOrEqualTo(3);
    }

    @Test
    void anAllowListServesOnlyItsRangesOverIpv4AndIpv6() {
        String host = serve("allow6", with(List.of(), List.of("::1/128"), List.of(), List.of(), ""));
        assertThat(get("::1", host, MultiMap.caseInsensitiveMultiMap()).status())
                .isEqualTo(200);
        Visitor.Reply v4 = get("127.0.0.1", host, MultiMap.caseInsensitiveMultiMap());
        assertThat(v4.status()).isEqualTo(403);
        assertThat(v4.header(ErrorPages.ERROR_HEADER)).isEqualTo("policy-ip");
        assertThat(agent.opened).hasSize(1);
    }

    @Test
    void aDenyListRefusesItsRangesAndServesOthers() {
        String host = serve("deny4", with(List.of(), List.of(), List.of("127.0.0.0/8"), List.of(), ""));
        assertThat(get("127.0.0.1", host, MultiMap.caseInsensitiveMultiMap()).status())
                .isEqualTo(403);
        assertThat(get("::1", host, MultiMap.caseInsensitiveMultiMap()).status())
                .isEqualTo(200);
    }

    @Test
    void aVisitorsForwardedForDoesNotChangeTheAddressTheIpRuleSees() {
        String host = serve("spoof", with(List.of(), List.of("10.0.0.0/8"), List.of(), List.of(), ""));
        Visitor.Reply reply =
                get("127.0.0.1", host, MultiMap.caseInsensitiveMultiMap().add("X-Forwarded-For", "10.1.2.3"));
        assertThat(reply.status()).isEqualTo(403);
    }

    @Test
    void aGithubSignedDeliveryPassesAndAnUnsignedOrWronglySignedOneNeverReachesTheAgent() {
        assertThat(connect("hook", Policies.webhook("github", "It's a Secret to Everybody"))
                        .granted())
                .isTrue();
        agent.serving(Upstreams.echo());
        String host = "hook.porthole.test";
        Visitor visitor = new Visitor(vertx, GatewayPortResource.port());
        Buffer body = Buffer.buffer("Hello, World!");
        Visitor.Reply unsigned = visitor.send(HttpMethod.POST, host, "/hook", MultiMap.caseInsensitiveMultiMap(), body);
        assertThat(unsigned.status()).isEqualTo(401);
        assertThat(unsigned.text()).contains("no X-Hub-Signature-256 header");
        Visitor.Reply forged = visitor.send(
                HttpMethod.POST,
                host,
                "/hook",
                MultiMap.caseInsensitiveMultiMap()
                        .add(
                                "X-Hub-Signature-256",
                                "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e18"),
                body);
        assertThat(forged.status()).isEqualTo(401);
        assertThat(agent.opened).isEmpty();

        // GitHub's own example ("Validating webhook deliveries"): this secret and body give this signature.
        Visitor.Reply signed = visitor.send(
                HttpMethod.POST,
                host,
                "/hook",
                MultiMap.caseInsensitiveMultiMap()
                        .add(
                                "X-Hub-Signature-256",
                                "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"),
                body);
        assertThat(signed.status()).isEqualTo(200);
        assertThat(signed.text())
                .as("the body read for the check is sent on whole")
                .isEqualTo("Hello, World!");
        assertThat(header(agent.opened.getFirst(), "X-Porthole-Policy")).isEqualTo("webhook");
    }

    @Test
    void aWebhookBodyOverTheVerificationLimitGets413() {
        assertThat(connect("bighook", Policies.webhook("github", "k")).granted())
                .isTrue();
        Visitor.Reply reply = new Visitor(vertx, GatewayPortResource.port())
                .send(
                        HttpMethod.POST,
                        "bighook.porthole.test",
                        "/",
                        MultiMap.caseInsensitiveMultiMap().add("X-Hub-Signature-256", "sha256=00"),
                        Buffer.buffer(new byte[2048]));
        assertThat(reply.status()).isEqualTo(413);
        assertThat(agent.opened).isEmpty();
    }

    @Test
    void headerRulesRewriteTheRequestAndTheResponse() {
        String host = serve(
                "headers",
                Policies.headers(
                        List.of(new Header("X-Env", "demo")),
                        List.of("Cookie"),
                        List.of(new Header("X-Frame-Options", "DENY")),
                        List.of("Content-Type")));
        Visitor.Reply reply = get(
                "127.0.0.1",
                host,
                MultiMap.caseInsensitiveMultiMap().add("Cookie", "a=1").add("X-Env", "visitor"));
        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.header("X-Frame-Options")).isEqualTo("DENY");
        assertThat(reply.header("Content-Type")).isNull();
        Open open = agent.opened.getFirst();
        assertThat(header(open, "X-Env")).isEqualTo("demo");
        assertThat(header(open, "Cookie")).isNull();
    }

    @Test
    void theRateLimitAnswers429WithRetryAfterPerVisitor() {
        String host = serve("rated", with(List.of(), List.of(), List.of(), List.of(), "2/min"));
        assertThat(get("127.0.0.1", host, MultiMap.caseInsensitiveMultiMap()).status())
                .isEqualTo(200);
        assertThat(get("127.0.0.1", host, MultiMap.caseInsensitiveMultiMap()).status())
                .isEqualTo(200);
        Visitor.Reply third = get("127.0.0.1", host, MultiMap.caseInsensitiveMultiMap());
        assertThat(third.status()).isEqualTo(429);
        assertThat(Long.parseLong(third.header("Retry-After"))).isBetween(1L, 60L);
        assertThat(get("::1", host, MultiMap.caseInsensitiveMultiMap()).status())
                .as("another visitor has its own bucket")
                .isEqualTo(200);
        assertThat(agent.opened).hasSize(3);
    }

    @Test
    void aTunnelWithABadRuleIsRefusedNamingEachRule() {
        TunnelResult result = connect(
                "bad",
                new TunnelPolicy(
                        List.of(new TunnelPolicy.BasicAuthUser("bob", "plain-password")),
                        List.of("10.0.0.0/33"),
                        List.of("not-an-ip"),
                        List.of(new TunnelPolicy.Webhook("gitlab", "", "s")),
                        List.of(new Header("Host", "x")),
                        List.of("X-Porthole-User"),
                        List.of(),
                        List.of("Transfer-Encoding"),
                        "fast"));
        assertThat(result.granted()).isFalse();
        assertThat(result.status()).isEqualTo(TunnelResult.INVALID);
        assertThat(result.message())
                .contains(
                        "allow-cidr '10.0.0.0/33'",
                        "deny-cidr 'not-an-ip'",
                        "rate-limit 'fast'",
                        "kind 'gitlab'",
                        "request-header-add 'Host'",
                        "request-header-remove 'X-Porthole-User'",
                        "response-header-remove 'Transfer-Encoding'",
                        "basic-auth user 'bob'")
                .doesNotContain("plain-password");
    }

    @Test
    void theSessionRecordTheAdminApiShowsNamesTheRulesButNoSecret() {
        String hash = BcryptUtil.bcryptHash("s3cret", 4);
        assertThat(connect(
                                "listed",
                                with(
                                        List.of(new TunnelPolicy.BasicAuthUser("alice", hash)),
                                        List.of("10.0.0.0/8"),
                                        List.of(),
                                        List.of(new TunnelPolicy.Webhook("stripe", "", "whsec_hidden")),
                                        ""))
                        .granted())
                .isTrue();
        String key = "porthole:session:" + agent.awaitWelcome().sessionId();
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(redis.get(key)
                                .toCompletionStage()
                                .toCompletableFuture()
                                .get(5, TimeUnit.SECONDS))
                        .isNotNull());
        String record = redis.get(key)
                .map(Object::toString)
                .toCompletionStage()
                .toCompletableFuture()
                .join();
        assertThat(record)
                .contains("\"policy\":\"ip(allow 1, deny 0) basic-auth(1 users) webhook(stripe)\"")
                .doesNotContain("whsec_hidden")
                .doesNotContain(hash)
                .doesNotContain("alice");
    }

    @Test
    void aVisitorCannotForgeTheIdentityHeadersThePolicySets() {
        String host = serve("forged", EMPTY);
        Visitor.Reply reply = get(
                "127.0.0.1",
                host,
                MultiMap.caseInsensitiveMultiMap()
                        .add("X-Porthole-User", "admin")
                        .add("X-Porthole-Email", "ceo@example.com")
                        .add("X-Porthole-Policy", "basic-auth"));
        assertThat(reply.status()).isEqualTo(200);
        Open open = agent.opened.getFirst();
        assertThat(open.request().headers())
                .as("no X-Porthole-* header of the visitor's reaches the agent")
                .noneMatch(h -> h.name().toLowerCase().startsWith("x-porthole-"));
    }

    private static String header(Open open, String name) {
        return open.request().headers().stream()
                .filter(h -> h.name().equalsIgnoreCase(name))
                .map(Header::value)
                .findFirst()
                .orElse(null);
    }
}
