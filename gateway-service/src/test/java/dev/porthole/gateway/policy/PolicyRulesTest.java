package dev.porthole.gateway.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.porthole.gateway.support.Policies;
import dev.porthole.protocol.message.Header;
import dev.porthole.protocol.message.TunnelPolicy;
import io.github.bucket4j.TimeMeter;
import io.quarkus.elytron.security.common.BcryptUtil;
import io.vertx.core.MultiMap;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The rules one by one, without a gateway: CIDR matching, the rate buckets, basic auth, header rules, and refusals of bad rules. */
class PolicyRulesTest {

    private static InetAddress ip(String literal) throws Exception {
        return InetAddress.getByName(literal);
    }

    private static TunnelPolicy policy(List<String> allow, List<String> deny, String rate) {
        return new TunnelPolicy(List.of(), allow, deny, List.of(), List.of(), List.of(), List.of(), List.of(), rate);
    }

    @Test
    void cidrRulesMatchIpv4AndIpv6AndDenyWins() throws Exception {
        List<String> problems = new ArrayList<>();
        CidrRules rules =
                CidrRules.of(List.of("10.0.0.0/8", "2001:db8::/32", "192.0.2.7"), List.of("10.9.0.0/16"), problems);
        assertThat(problems).isEmpty();
        assertThat(rules.admits(ip("10.1.2.3"))).isTrue();
        assertThat(rules.admits(ip("10.9.2.3"))).as("deny wins over allow").isFalse();
        assertThat(rules.admits(ip("2001:db8:1::5"))).isTrue();
        assertThat(rules.admits(ip("2001:db9::5"))).isFalse();
        assertThat(rules.admits(ip("192.0.2.7")))
                .as("a bare address is a range of one")
                .isTrue();
        assertThat(rules.admits(ip("192.0.2.8"))).isFalse();
        assertThat(rules.admits(ip("::1"))).isFalse();
    }

    @Test
    void malformedCidrsAreRefusedAndHostNamesNeverResolved() {
        List<String> problems = new ArrayList<>();
        CidrRules.of(
                List.of("10.0.0.0/33", "::/129", "example.com/8", "10.0.0.0/", "10.0.0.0/-1", "1.2.3"),
                List.of(),
                problems);
        assertThat(problems).hasSize(6).allMatch(p -> p.startsWith("allow-cidr '"));
    }

    @Test
    void theRateLimitRefillsOverItsPeriodPerVisitor() {
        AtomicLong nanos = new AtomicLong();
        VisitorRateLimit rate = VisitorRateLimit.of("2/min", manual(nanos), 3, new ArrayList<>());
        assertThat(rate.take("a")).isEmpty();
        assertThat(rate.take("a")).isEmpty();
        assertThat(rate.take("a")).hasValue(30);
        assertThat(rate.take("b")).isEmpty();
        nanos.addAndGet(Duration.ofSeconds(30).toNanos());
        assertThat(rate.take("a")).as("one request back after half a minute").isEmpty();
    }

    @Test
    void theRateLimitForgetsTheLeastRecentVisitorBeyondItsBound() {
        VisitorRateLimit rate = VisitorRateLimit.of("2/min", manual(new AtomicLong()), 3, new ArrayList<>());
        for (String visitor : List.of("a", "b", "c", "d", "e")) {
            rate.take(visitor);
        }
        assertThat(rate.visitors()).isEqualTo(3);
    }

    /** A clock that stands still until the test moves {@code nanos}. */
    private static TimeMeter manual(AtomicLong nanos) {
        return new TimeMeter() {
            @Override
            public long currentTimeNanos() {
                return nanos.get();
            }

            @Override
            public boolean isWallClockBased() {
                return false;
            }
        };
    }

    @Test
    void ratesAreParsedOrRefused() {
        List<String> problems = new ArrayList<>();
        assertThat(VisitorRateLimit.of("100/min", TimeMeter.SYSTEM_NANOTIME, 10, problems)
                        .describe())
                .isEqualTo("100 requests per minute");
        assertThat(VisitorRateLimit.of("5 / s", TimeMeter.SYSTEM_NANOTIME, 10, problems)
                        .describe())
                .isEqualTo("5 requests per second");
        assertThat(VisitorRateLimit.of("1000/hour", TimeMeter.SYSTEM_NANOTIME, 10, problems)
                        .describe())
                .isEqualTo("1000 requests per hour");
        assertThat(problems).isEmpty();
        for (String bad : List.of("fast", "0/min", "10/day", "-1/s", "1e3/s")) {
            VisitorRateLimit.of(bad, TimeMeter.SYSTEM_NANOTIME, 10, problems);
        }
        assertThat(problems).hasSize(5);
    }

    @Test
    void basicAuthChecksTheBcryptHash() {
        BasicAuthRule rule = aliceWithColonsInHerPassword();
        assertThat(rule.verify(basic("alice:pw:with:colons"))).hasValue("alice");
        assertThat(rule.verify(basic("alice:pw"))).isEmpty();
    }

    @Test
    void basicAuthRemembersAnswersByAKeyedDigest() {
        BasicAuthRule rule = aliceWithColonsInHerPassword();
        String right = basic("alice:pw:with:colons");
        String wrong = basic("alice:pw");
        assertThat(rule.remembered(right)).isNull();
        rule.verify(right);
        rule.verify(wrong);
        assertThat(rule.remembered(right)).hasValue("alice");
        assertThat(rule.remembered(wrong)).isEqualTo(Optional.empty());
    }

    @Test
    void basicAuthReadsNoCredentialsFromAnotherSchemeOrBadBase64() {
        assertThat(BasicAuthRule.credentials("Bearer x")).isEmpty();
        assertThat(BasicAuthRule.credentials("Basic !!!")).isEmpty();
    }

    private static BasicAuthRule aliceWithColonsInHerPassword() {
        List<String> problems = new ArrayList<>();
        BasicAuthRule rule = BasicAuthRule.of(
                List.of(new TunnelPolicy.BasicAuthUser("alice", BcryptUtil.bcryptHash("pw:with:colons", 4))), problems);
        assertThat(problems).isEmpty();
        return rule;
    }

    private static String basic(String userAndPassword) {
        return "Basic " + Base64.getEncoder().encodeToString(userAndPassword.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void basicAuthRefusesHashesThatAreNoBcryptOrCostTooMuch() {
        List<String> problems = new ArrayList<>();
        BasicAuthRule.of(
                List.of(
                        new TunnelPolicy.BasicAuthUser("a", "secret"),
                        new TunnelPolicy.BasicAuthUser("b", BcryptUtil.bcryptHash("x", 13)),
                        new TunnelPolicy.BasicAuthUser("c:d", BcryptUtil.bcryptHash("x", 4))),
                problems);
        assertThat(problems).hasSize(3);
        assertThat(String.join(" ", problems)).doesNotContain("secret").contains("from 4 to 12");
    }

    @Test
    void headerRulesReplaceAddedNamesAndNeverTouchWhatTheGatewayOwns() {
        List<String> problems = new ArrayList<>();
        HeaderRules rules = HeaderRules.of(
                Policies.headers(
                        List.of(new Header("X-Env", "demo")),
                        List.of("cookie"),
                        List.of(new Header("X-Frame-Options", "DENY")),
                        List.of("Server")),
                problems);
        assertThat(problems).isEmpty();
        assertThat(rules.request(List.of(
                        new Header("Cookie", "a"), new Header("x-env", "visitor"), new Header("Accept", "*/*"))))
                .containsExactly(new Header("Accept", "*/*"), new Header("X-Env", "demo"));
        MultiMap response =
                MultiMap.caseInsensitiveMultiMap().add("Server", "nginx").add("X-Frame-Options", "SAMEORIGIN");
        rules.response(response);
        assertThat(response.get("Server")).isNull();
        assertThat(response.getAll("X-Frame-Options")).containsExactly("DENY");
        for (String owned : List.of(
                "Connection",
                "Transfer-Encoding",
                "Content-Length",
                "Host",
                "Upgrade",
                "X-Forwarded-For",
                "X-Porthole-User",
                "Forwarded",
                "X-Real-IP",
                "TE",
                "Bad Name")) {
            assertThat(HeaderRules.nameProblem(owned)).as(owned).isNotNull();
        }
    }

    @Test
    void anEmptyPolicyCompilesToNone() throws Exception {
        assertThat(EdgePolicy.compile(TunnelPolicy.NONE, Duration.ofMinutes(5), 10, TimeMeter.SYSTEM_NANOTIME, false))
                .isSameAs(EdgePolicy.NONE);
    }

    @Test
    void compilingCollectsEveryProblem() {
        assertThatThrownBy(() -> EdgePolicy.compile(
                        policy(List.of("x"), List.of("y"), "z"),
                        Duration.ofMinutes(5),
                        10,
                        TimeMeter.SYSTEM_NANOTIME,
                        false))
                .isInstanceOfSatisfying(
                        InvalidPolicyException.class,
                        e -> assertThat(e.problems()).hasSize(3));
    }

    @Test
    void aCompiledPolicyDescribesItselfWithoutItsSecrets() throws Exception {
        EdgePolicy ok = EdgePolicy.compile(
                new TunnelPolicy(
                        List.of(new TunnelPolicy.BasicAuthUser("u", BcryptUtil.bcryptHash("p", 4))),
                        List.of("10.0.0.0/8"),
                        List.of(),
                        List.of(new TunnelPolicy.Webhook("stripe", "", "whsec")),
                        List.of(),
                        List.of(),
                        List.of(),
                        List.of(),
                        "10/s"),
                Duration.ofMinutes(5),
                10,
                TimeMeter.SYSTEM_NANOTIME,
                false);
        assertThat(ok.toString())
                .isEqualTo(
                        "ip(allow 1, deny 0) rate-limit(10 requests per second per visitor) basic-auth(1 users) webhook(stripe)")
                .doesNotContain("whsec");
        assertThat(ok.verifiesWebhooks()).isTrue();
    }

    @Test
    void anOidcLoginIsCheckedRuleByRuleWithoutQuotingItsSecret() {
        TunnelPolicy bad = Policies.basicAuth("u", "p")
                .withOidc(new TunnelPolicy.Oidc(
                        "http://id.example.com",
                        "",
                        "oidc-s3cret",
                        List.of("example.com", "not a domain"),
                        List.of("groups=admins", "=x")));
        assertThatThrownBy(() -> EdgePolicy.compile(bad, Duration.ofMinutes(5), 10, TimeMeter.SYSTEM_NANOTIME, false))
                .isInstanceOfSatisfying(
                        InvalidPolicyException.class,
                        e -> assertThat(e.problems())
                                .containsExactlyInAnyOrder(
                                        "oidc-issuer 'http://id.example.com' must be an https URL without query or fragment, such as https://accounts.google.com",
                                        "oidc-client-id is missing: register a client at the issuer and pass its id",
                                        "oidc-allow-domain 'not a domain' is not a domain such as example.com",
                                        "oidc-allow-claim '=x' is not a claim=value pair such as groups=admins",
                                        "basic-auth and oidc cannot both guard one tunnel: pick one login"))
                .message()
                .doesNotContain("oidc-s3cret");
        assertThatThrownBy(() -> EdgePolicy.compile(
                        TunnelPolicy.NONE.withOidc(new TunnelPolicy.Oidc("not a url", "c", "", List.of(), List.of())),
                        Duration.ofMinutes(5),
                        10,
                        TimeMeter.SYSTEM_NANOTIME,
                        true))
                .hasMessageContaining("oidc-issuer 'not a url' is not a URL");
    }

    @Test
    void anOidcLoginAdmitsOnlyVerifiedAddressesOfItsDomainsOrItsClaims() throws Exception {
        EdgePolicy policy = EdgePolicy.compile(
                TunnelPolicy.NONE.withOidc(
                        new TunnelPolicy.Oidc("https://id.example.com", "c", "s", List.of("Example.com"), List.of())),
                Duration.ofMinutes(5),
                10,
                TimeMeter.SYSTEM_NANOTIME,
                false);
        assertThat(policy.oidc.refusal(new io.vertx.core.json.JsonObject().put("email", "a@EXAMPLE.com")))
                .isNull();
        assertThat(policy.oidc.refusal(new io.vertx.core.json.JsonObject()
                        .put("email", "a@example.com")
                        .put("email_verified", false)))
                .contains("the issuer gave none");
        assertThat(policy.oidc.refusal(new io.vertx.core.json.JsonObject().put("email", "a@example.com.evil.org")))
                .isNotNull();
        assertThat(policy.oidc.refusal(new io.vertx.core.json.JsonObject())).isNotNull();
        assertThat(policy.toString()).isEqualTo("oidc(https://id.example.com, 1 domains, 0 claims)");

        EdgePolicy claims = EdgePolicy.compile(
                TunnelPolicy.NONE.withOidc(new TunnelPolicy.Oidc(
                        "https://id.example.com", "c", "s", List.of(), List.of("groups=admins", "tier=gold"))),
                Duration.ofMinutes(5),
                10,
                TimeMeter.SYSTEM_NANOTIME,
                false);
        assertThat(claims.oidc.refusal(new io.vertx.core.json.JsonObject()
                        .put(
                                "groups",
                                new io.vertx.core.json.JsonArray().add("staff").add("admins"))))
                .isNull();
        assertThat(claims.oidc.refusal(new io.vertx.core.json.JsonObject().put("tier", "gold")))
                .isNull();
        assertThat(claims.oidc.refusal(new io.vertx.core.json.JsonObject().put("groups", "staff")))
                .isEqualTo("your account lacks the claim this tunnel asks for");
    }
}
