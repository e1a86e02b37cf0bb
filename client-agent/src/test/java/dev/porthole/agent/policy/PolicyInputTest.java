package dev.porthole.agent.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.porthole.agent.config.AgentConfig;
import dev.porthole.agent.config.AgentConfigReader;
import dev.porthole.agent.config.InvalidConfigException;
import dev.porthole.agent.status.AgentStatus;
import dev.porthole.protocol.message.Header;
import dev.porthole.protocol.message.TunnelPolicy;
import io.quarkus.elytron.security.common.BcryptUtil;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.wildfly.security.password.interfaces.BCryptPassword;
import org.wildfly.security.password.util.ModularCrypt;

/** Policy flags and the porthole.yml policy block: what the agent sends, and that no password or secret shows anywhere. */
class PolicyInputTest {

    private static PolicyInput input(List<String> basicAuth, List<String> webhooks, List<String> headers) {
        return new PolicyInput(
                basicAuth,
                List.of("10.0.0.0/8"),
                null,
                webhooks,
                headers,
                List.of("Cookie"),
                null,
                null,
                " 100/min ",
                null,
                null,
                null,
                null,
                null);
    }

    /** porthole.yml with one HTTP tunnel, "web", whose policy block holds these rules, one a line. */
    private static AgentConfig webTunnelWithPolicy(String... rules) throws InvalidConfigException {
        return AgentConfigReader.parse(
                "porthole.yml",
                """
                tunnels:
                  web:
                    type: http
                    upstream: 3000
                    policy:
                """ + Stream.of(rules).map(rule -> "      " + rule + "\n").collect(Collectors.joining()));
    }

    /** What {@code porthole status} shows of the file's first tunnel, as the tunnel "web". */
    private static JsonObject statusOfFirstTunnel(AgentConfig config) {
        return new AgentStatus(
                        "a",
                        "http://gw",
                        List.of(config.tunnels().getFirst().spec()),
                        List.of("web"),
                        Clock.systemUTC())
                .toJson();
    }

    @Test
    void passwordsLeaveOnlyAsBcryptHashesAndWebhooksKeepTheirParts() throws Exception {
        TunnelPolicy policy = input(
                        List.of("alice:s3:cret"),
                        List.of("github:gh", "hmac-sha256:X-Sig:k:with:colons"),
                        List.of("X-Env: demo"))
                .toPolicy(rule -> "--" + rule);
        TunnelPolicy.BasicAuthUser alice = policy.basicAuth().getFirst();
        assertThat(alice.user()).isEqualTo("alice");
        assertThat(alice.passwordHash()).startsWith("$2").doesNotContain("s3:cret");
        BCryptPassword hash = (BCryptPassword) ModularCrypt.decode(alice.passwordHash());
        assertThat(BcryptUtil.bcryptHash("s3:cret", hash.getIterationCount(), hash.getSalt()))
                .isEqualTo(alice.passwordHash());
        assertThat(policy.webhooks())
                .containsExactly(
                        new TunnelPolicy.Webhook("github", "", "gh"),
                        new TunnelPolicy.Webhook("hmac-sha256", "X-Sig", "k:with:colons"));
        assertThat(policy.requestHeaderAdd()).containsExactly(new Header("X-Env", "demo"));
        assertThat(policy.rateLimit()).isEqualTo("100/min");
        assertThat(policy.summary())
                .isEqualTo(
                        "basic-auth, allow-cidr, verify-webhook github hmac-sha256, header rules, rate-limit 100/min");
        assertThat(policy.toString()).doesNotContain("s3:cret", "gh]", "k:with:colons");
    }

    @Test
    void malformedFlagsAreRefusedWithoutQuotingTheSecret() {
        assertThatThrownBy(() -> input(List.of("alice"), List.of(), List.of()).toPolicy(rule -> "--" + rule))
                .hasMessage("--basic-auth takes USER:PASSWORD, both non-empty");
        assertThatThrownBy(() -> input(List.of(), List.of("github"), List.of()).toPolicy(rule -> "--" + rule))
                .hasMessageStartingWith("--verify-webhook takes KIND:SECRET");
        assertThatThrownBy(() -> input(List.of(), List.of("hmac-sha256:only-a-secret"), List.of())
                        .toPolicy(rule -> "--" + rule))
                .hasMessage("--verify-webhook hmac-sha256 takes hmac-sha256:HEADER:SECRET");
        assertThatThrownBy(() -> input(List.of(), List.of(), List.of("NoColon")).toPolicy(rule -> "--" + rule))
                .hasMessage("--request-header-add takes NAME:VALUE, was 'NoColon'");
    }

    @Test
    void aPolicyBlockInPortholeYmlGivesTheSamePolicyAndStatusShowsRuleNamesOnly() throws Exception {
        AgentConfig config = webTunnelWithPolicy(
                "basic-auth: [alice:s3cret]",
                "allow-cidr: [10.0.0.0/8, \"::1/128\"]",
                "verify-webhook: stripe:whsec_abc",
                "rate-limit: 5/s");
        TunnelPolicy policy = config.tunnels().getFirst().spec().policy();
        assertThat(policy.allowCidrs()).containsExactly("10.0.0.0/8", "::1/128");
        assertThat(policy.webhooks()).containsExactly(new TunnelPolicy.Webhook("stripe", "", "whsec_abc"));
        assertThat(policy.rateLimit()).isEqualTo("5/s");
        JsonObject status = statusOfFirstTunnel(config);
        assertThat(status.getJsonArray("tunnels").getJsonObject(0).getString("policy"))
                .isEqualTo("basic-auth, allow-cidr, verify-webhook stripe, rate-limit 5/s");
        assertThat(status.encode()).doesNotContain("s3cret", "whsec_abc", "$2");
    }

    @Test
    void aPolicyBlockNamesEachMistakeWithItsLine() {
        assertThatThrownBy(() -> AgentConfigReader.parse("porthole.yml", """
                tunnels:
                  web:
                    type: http
                    upstream: 3000
                    policy:
                      basic-auth: nobody
                      oauth: https://id.example.com
                      rate-limit: [1/s, 2/s]
                  ssh:
                    type: tcp
                    upstream: 22
                    policy:
                      allow-cidr: 10.0.0.0/8
                """))
                .isInstanceOfSatisfying(
                        InvalidConfigException.class,
                        e -> assertThat(e.lines())
                                .containsExactly(
                                        "porthole.yml:7: tunnels.web.policy.oauth: unknown rule; a policy takes "
                                                + String.join(", ", PolicyInput.KEYS),
                                        "porthole.yml:8: tunnels.web.policy.rate-limit: takes one rate, such as 100/min",
                                        "porthole.yml:2: tunnels.web: 'policy.basic-auth' takes USER:PASSWORD, both non-empty",
                                        "porthole.yml:12: tunnels.ssh.policy: is for http tunnels only"));
    }

    @Test
    void anOidcLoginComesFromTheBlockOrFlagsAndItsSecretIsNeverShown() throws Exception {
        AgentConfig config = webTunnelWithPolicy(
                "oidc-issuer: https://id.example.com",
                "oidc-client-id: porthole",
                "oidc-client-secret: oidc-s3cret",
                "oidc-allow-domain: [example.com, example.org]",
                "oidc-allow-claim: groups=admins");
        TunnelPolicy policy = config.tunnels().getFirst().spec().policy();
        assertThat(policy.oidc())
                .isEqualTo(new TunnelPolicy.Oidc(
                        "https://id.example.com",
                        "porthole",
                        "oidc-s3cret",
                        List.of("example.com", "example.org"),
                        List.of("groups=admins")));
        JsonObject status = statusOfFirstTunnel(config);
        assertThat(status.getJsonArray("tunnels").getJsonObject(0).getString("policy"))
                .isEqualTo("oidc https://id.example.com");
        assertThat(status.encode()).doesNotContain("oidc-s3cret");
        assertThat(policy.toString()).doesNotContain("oidc-s3cret");

        PolicyInput noIssuer = new PolicyInput(
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                "porthole",
                null,
                List.of("example.com"),
                null);
        assertThatThrownBy(() -> noIssuer.toPolicy(rule -> "--" + rule))
                .hasMessage("--oidc-client-id, --oidc-client-secret and the allow rules need --oidc-issuer URL");
        PolicyInput noClient = new PolicyInput(
                null, null, null, null, null, null, null, null, null, "https://id.example.com", null, "s3", null, null);
        assertThatThrownBy(() -> noClient.toPolicy(rule -> "--" + rule))
                .hasMessageStartingWith("--oidc-issuer needs --oidc-client-id")
                .message()
                .doesNotContain("s3");
        assertThat(noClient.toString()).doesNotContain("s3");
    }
}
