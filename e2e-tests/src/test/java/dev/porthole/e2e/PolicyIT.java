package dev.porthole.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.porthole.e2e.support.Http;
import dev.porthole.e2e.support.PortholeSystem;
import dev.porthole.testing.ServiceProcess;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Edge policies with every part a real process: redis-server, the packaged gateway listening on
 * IPv4 and IPv6, agents started with the policy flags of {@code porthole http}, the demo upstream,
 * and visitors over 127.0.0.1 and ::1.
 */
class PolicyIT {

    private static final String GITHUB_SECRET = "It's a Secret to Everybody";

    private static PortholeSystem system;
    private static PortholeSystem.Agent login;
    private static PortholeSystem.Agent ipv6Only;
    private static PortholeSystem.Agent webhook;

    @BeforeAll
    static void start() {
        system = new PortholeSystem("PolicyIT")
                .gatewaySetting("PORTHOLE_GATEWAY_HTTP_HOST", "::")
                .startGateway()
                .startUpstream();
        login = system.startAgent(
                "login",
                List.of(
                        "--no-inspect",
                        "--basic-auth",
                        "alice:s3cret",
                        "--request-header-add",
                        "X-Env: e2e",
                        "--request-header-remove",
                        "X-Drop",
                        "--response-header-add",
                        "X-Frame-Options: DENY"));
        ipv6Only = system.startAgent(
                "ipv6-only", List.of("--no-inspect", "--deny-cidr", "127.0.0.0/8", "--rate-limit", "3/min"));
        webhook = system.startAgent(
                "webhook",
                List.of("--no-inspect", "--allow-cidr", "127.0.0.1/32", "--verify-webhook", "github:" + GITHUB_SECRET));
    }

    @AfterAll
    static void stop() {
        system.close();
    }

    /** A request to the gateway at {@code address} (127.0.0.1 or [::1]) for the agent's tunnel, routed by its Host. */
    private static HttpRequest.Builder request(String address, PortholeSystem.Agent agent, String path) {
        return HttpRequest.newBuilder(URI.create("http://" + address + ":" + system.gatewayPort() + path))
                .header("Host", system.host(agent.name()))
                .timeout(Duration.ofSeconds(30));
    }

    private static HttpResponse<String> get(
            String address, PortholeSystem.Agent agent, String path, String... headers) {
        HttpRequest.Builder request = request(address, agent, path);
        if (headers.length > 0) {
            request.headers(headers);
        }
        return Http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void basicAuthAsksForALoginRefusesAWrongOneAndPassesTheRightOneWithTheHeaderRules() {
        HttpResponse<String> missing = get("127.0.0.1", login, "/headers");
        assertThat(missing.statusCode()).isEqualTo(401);
        assertThat(missing.headers().firstValue("WWW-Authenticate"))
                .hasValueSatisfying(v -> assertThat(v).startsWith("Basic realm="));
        assertThat(get("127.0.0.1", login, "/headers", "Authorization", basic("alice", "wrong"))
                        .statusCode())
                .isEqualTo(401);

        HttpResponse<String> right = get(
                "127.0.0.1",
                login,
                "/headers",
                "Authorization",
                basic("alice", "s3cret"),
                "X-Drop",
                "gone",
                "X-Porthole-User",
                "mallory");
        assertThat(right.statusCode()).isEqualTo(200);
        assertThat(right.headers().firstValue("X-Frame-Options")).hasValue("DENY");
        assertThat(right.body())
                .contains("\"x-env\":\"e2e\"")
                .contains("\"x-porthole-user\":\"alice\"")
                .contains("\"x-porthole-policy\":\"basic-auth\"")
                .doesNotContain("x-drop")
                .doesNotContain("mallory")
                .doesNotContain("authorization");
        assertThat(login.process().stderr()).noneMatch(line -> line.contains("s3cret"));
        assertThat(system.gateway().stdout()).noneMatch(line -> line.contains("s3cret"));
    }

    @Test
    void aDenyListRefusesIpv4LoopbackAndServesIpv6LoopbackUpToTheRateLimit() {
        HttpResponse<String> v4 = get("127.0.0.1", ipv6Only, "/hello");
        assertThat(v4.statusCode()).isEqualTo(403);
        assertThat(v4.headers().firstValue("X-Porthole-Error")).hasValue("policy-ip");
        for (int i = 0; i < 3; i++) {
            assertThat(get("[::1]", ipv6Only, "/hello").statusCode()).isEqualTo(200);
        }
        HttpResponse<String> fourth = get("[::1]", ipv6Only, "/hello");
        assertThat(fourth.statusCode()).isEqualTo(429);
        assertThat(fourth.headers().firstValue("Retry-After"))
                .hasValueSatisfying(v -> assertThat(Long.parseLong(v)).isBetween(1L, 60L));
    }

    @Test
    void anAllowListAndAGithubSignatureGuardAWebhookTunnel() {
        assertThat(get("[::1]", webhook, "/echo").statusCode())
                .as("::1 is not in the allowed range")
                .isEqualTo(403);
        HttpRequest.Builder unsigned =
                request("127.0.0.1", webhook, "/echo").POST(HttpRequest.BodyPublishers.ofString("Hello, World!"));
        assertThat(Http.send(unsigned.build(), HttpResponse.BodyHandlers.ofString())
                        .statusCode())
                .isEqualTo(401);
        // GitHub's documented example: this secret and body give this X-Hub-Signature-256.
        HttpRequest signed = request("127.0.0.1", webhook, "/echo")
                .header(
                        "X-Hub-Signature-256",
                        "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17")
                .POST(HttpRequest.BodyPublishers.ofString("Hello, World!"))
                .build();
        HttpResponse<String> delivered = Http.send(signed, HttpResponse.BodyHandlers.ofString());
        assertThat(delivered.statusCode()).isEqualTo(200);
        assertThat(delivered.body()).isEqualTo("Hello, World!");
    }

    @Test
    void anAgentWithABadRuleIsRefusedNamingIt() {
        ServiceProcess bad = system.launchHttpAgent(
                "bad-rule", system.gatewayPort(), List.of("--no-inspect", "--allow-cidr", "10.0.0.0/33"));
        assertThat(bad.awaitExit(Duration.ofSeconds(60))).isEqualTo(4);
        assertThat(String.join("\n", bad.stderr())).contains("allow-cidr '10.0.0.0/33' is not a CIDR range");
    }
}
