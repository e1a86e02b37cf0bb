package dev.porthole.gateway.ingress;

import static dev.porthole.gateway.support.TestAgent.TOKEN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.porthole.gateway.config.GatewayInstance;
import dev.porthole.gateway.support.GatewayPortResource;
import dev.porthole.gateway.support.TestAgent;
import dev.porthole.gateway.support.Upstreams;
import dev.porthole.gateway.support.Visitor;
import dev.porthole.protocol.message.ResetCode;
import dev.porthole.protocol.message.TunnelRequest;
import dev.porthole.testing.RedisTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import jakarta.inject.Inject;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The pages a visitor's browser gets when the gateway answers for a tunnel (404, 502, 503, 504):
 * branded, saying what a visitor and what the tunnel's owner can do, and never naming the
 * upstream's address or port, the gateway's id or anything the agent said in a reset.
 */
@QuarkusTest
@WithTestResource(RedisTestResource.class)
@WithTestResource(GatewayPortResource.class)
class VisitorErrorPagesTest {

    private static final String UPSTREAM = "10.20.30.40:5432";

    @Inject
    Vertx vertx;

    @Inject
    GatewayInstance instance;

    private TestAgent agent;

    @AfterEach
    void disconnect() {
        TestAgent.closeAndAwait(agent);
    }

    private Visitor tunnel(String name) {
        agent = TestAgent.connect(
                vertx, GatewayPortResource.port(), TOKEN, "agent-" + name, List.of(TunnelRequest.http(name, UPSTREAM)));
        assertThat(agent.awaitWelcome().tunnels().getFirst().granted()).isTrue();
        return new Visitor(vertx, GatewayPortResource.port());
    }

    private static String host(String name) {
        return name + ".porthole.test:" + GatewayPortResource.port();
    }

    private static Visitor.Reply browse(Visitor visitor, String host) {
        return visitor.send(
                HttpMethod.GET,
                host,
                "/account/settings",
                MultiMap.caseInsensitiveMultiMap().add("Accept", "text/html,*/*"),
                null);
    }

    /** What every gateway page a browser gets must hold, whatever went wrong. */
    private void assertVisitorPage(Visitor.Reply reply, int status, String... internals) {
        String page = reply.text();
        assertThat(reply.status()).as(page).isEqualTo(status);
        assertThat(reply.header("Content-Type")).startsWith("text/html");
        assertThat(page)
                .as("branded and readable on a phone")
                .contains("<meta name=\"viewport\"")
                .contains("class=\"brand\"")
                .contains("Porthole");
        assertThat(page).as("says what the visitor can do").contains("If you are visiting");
        assertThat(page).as("and what the tunnel's owner can do").contains("If this is your tunnel");
        assertThat(page).as("the gateway's id stays in its logs").doesNotContain(instance.id());
        for (String internal : internals) {
            assertThat(page)
                    .as("internal detail '%s' stays in the logs and the agent's inspector", internal)
                    .doesNotContain(internal);
        }
    }

    @Test
    void anUnknownTunnelGetsABrandedNotFoundPage() {
        Visitor visitor = new Visitor(vertx, GatewayPortResource.port());
        Visitor.Reply reply = browse(visitor, host("nobody-here"));
        assertVisitorPage(reply, 404);
        assertThat(reply.text()).contains("nobody-here").contains("Check the address");
    }

    @Test
    void anUpstreamThatRefusesShowsNeitherItsAddressNorItsPort() {
        Visitor visitor = tunnel("refusing");
        agent.serving(Upstreams.reset(
                ResetCode.UPSTREAM_REFUSED, "the agent could not connect to the local service at " + UPSTREAM));
        Visitor.Reply reply = browse(visitor, host("refusing"));
        assertVisitorPage(reply, 502, "10.20.30.40", "5432", "local service at");
        assertThat(reply.text()).contains("Try again");
    }

    @Test
    void everyResetReasonStaysOffTheBrowsersPage() {
        Visitor visitor = tunnel("resetting");
        for (ResetCode code :
                List.of(ResetCode.UPSTREAM_ERROR, ResetCode.CONNECTION_CLOSED, ResetCode.INTERNAL, ResetCode.CANCEL)) {
            agent.serving(Upstreams.reset(code, "upstream " + UPSTREAM + " on gateway " + instance.id()));
            assertVisitorPage(browse(visitor, host("resetting")), 502, "10.20.30.40", "5432");
        }
    }

    @Test
    void aBusyTunnelGetsA503ThatSaysToTryAgain() {
        Visitor visitor = tunnel("busy");
        agent.serving(Upstreams.reset(ResetCode.LIMIT_REACHED, "2 connections open to " + UPSTREAM));
        Visitor.Reply reply = browse(visitor, host("busy"));
        assertVisitorPage(reply, 503, "10.20.30.40", "5432");
        assertThat(reply.text()).contains("Try again");
    }

    @Test
    void aSlowUpstreamGetsA504WithoutItsAddress() {
        Visitor visitor = tunnel("sluggish");
        agent.serving(Upstreams.silent());
        Visitor.Reply reply = browse(visitor, host("sluggish"));
        assertVisitorPage(reply, 504, "10.20.30.40", "5432");
        assertThat(reply.text()).contains("Try again");
    }

    @Test
    void aTunnelWhoseAgentLeftGetsA502ThatSaysItMayComeBack() {
        Visitor visitor = tunnel("departed");
        agent.serving(Upstreams.respond(200, "up"));
        assertThat(browse(visitor, host("departed")).status()).isEqualTo(200);
        TestAgent.closeAndAwait(agent);
        agent = null;
        await().until(() -> browse(visitor, host("departed")).status() == 502);
        Visitor.Reply reply = browse(visitor, host("departed"));
        assertVisitorPage(reply, 502, "10.20.30.40", "5432");
        assertThat(reply.text()).contains("may reconnect");
    }
}
