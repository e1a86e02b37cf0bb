package dev.porthole.gateway.ingress;

import static org.assertj.core.api.Assertions.assertThat;

import dev.porthole.gateway.config.TestConfigs;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AddressingTest {

    private final Addressing addressing = new Addressing(TestConfigs.gateway(Map.of(
            "porthole.gateway.http.domain",
            "tunnel.example.com",
            "porthole.gateway.http.path-routing",
            "true",
            "porthole.gateway.http.apex-hosts",
            "tunnel.example.com,10.0.0.1")));

    private final Addressing byDefault =
            new Addressing(TestConfigs.gateway(Map.of("porthole.gateway.http.domain", "tunnel.example.com")));

    @Test
    void pathRoutingIsOffByDefault() {
        assertThat(byDefault.resolve("tunnel.example.com", "/t/api/x")).isInstanceOf(Addressing.NoTunnel.class);
        assertThat(byDefault.resolve("api.tunnel.example.com", "/x")).isEqualTo(new Addressing.Tunnel("api", "/x", ""));
    }

    /** Issue 16.6: any Host used to fall through to path routing and reach the upstream as X-Forwarded-Host. */
    @Test
    void onlyConfiguredHostsAreServed() {
        assertThat(addressing.resolve("evil.example", "/t/api/x")).isInstanceOf(Addressing.OtherHost.class);
        assertThat(addressing.resolve("evil.example", "/")).isInstanceOf(Addressing.OtherHost.class);
        assertThat(byDefault.resolve("10.0.0.1", "/t/api/x")).isInstanceOf(Addressing.OtherHost.class);
        assertThat(addressing.resolve("TUNNEL.example.com", "/t/api/x"))
                .isEqualTo(new Addressing.Tunnel("api", "/x", "/t/api"));
        assertThat(addressing.resolve("evil.example", "/_porthole/agent"))
                .as("agents connect by any name")
                .isInstanceOf(Addressing.AgentEndpoint.class);
    }

    @Test
    void aSubdomainOfTheDomainNamesTheTunnel() {
        assertThat(addressing.resolve("api.tunnel.example.com", "/x?y=1"))
                .isEqualTo(new Addressing.Tunnel("api", "/x?y=1", ""));
        assertThat(addressing.resolve("API.Tunnel.Example.com", "/")).isEqualTo(new Addressing.Tunnel("api", "/", ""));
    }

    @Test
    void aDeeperSubdomainIsNoTunnel() {
        assertThat(addressing.resolve("a.b.tunnel.example.com", "/")).isInstanceOf(Addressing.NoTunnel.class);
    }

    @Test
    void anInvalidLabelIsNoTunnel() {
        assertThat(addressing.resolve("-bad-.tunnel.example.com", "/")).isInstanceOf(Addressing.NoTunnel.class);
        assertThat(addressing.resolve("under_score.tunnel.example.com", "/")).isInstanceOf(Addressing.NoTunnel.class);
    }

    @Test
    void thePathPrefixNamesTheTunnelOnAnApexHost() {
        assertThat(addressing.resolve("tunnel.example.com", "/t/api/v1/items?page=2"))
                .isEqualTo(new Addressing.Tunnel("api", "/v1/items?page=2", "/t/api"));
        assertThat(addressing.resolve("10.0.0.1", "/t/api")).isEqualTo(new Addressing.Tunnel("api", "/", "/t/api"));
        assertThat(addressing.resolve("10.0.0.1", "/t/api?x=1"))
                .isEqualTo(new Addressing.Tunnel("api", "/?x=1", "/t/api"));
    }

    @Test
    void pathTraversalCannotReachAnotherName() {
        assertThat(addressing.resolve("tunnel.example.com", "/t/../admin")).isInstanceOf(Addressing.NoTunnel.class);
        assertThat(addressing.resolve("tunnel.example.com", "/t/%2e%2e/x")).isInstanceOf(Addressing.NoTunnel.class);
    }

    @Test
    void theAgentPathIsTheAgentEndpointExceptOnATunnelHost() {
        assertThat(addressing.resolve("tunnel.example.com", "/_porthole/agent"))
                .isInstanceOf(Addressing.AgentEndpoint.class);
        assertThat(addressing.resolve("api.tunnel.example.com", "/_porthole/agent"))
                .isEqualTo(new Addressing.Tunnel("api", "/_porthole/agent", ""));
    }

    @Test
    void aRequestWithoutHostIsBad() {
        assertThat(addressing.resolve(null, "/")).isInstanceOf(Addressing.BadRequest.class);
        assertThat(addressing.resolve("", "/")).isInstanceOf(Addressing.BadRequest.class);
    }

    @Test
    void anAbsoluteTargetIsForwardedInOriginFormOnlyWhenItNamesTheHostOfHost() {
        assertThat(addressing.resolve("api.tunnel.example.com", "http://API.tunnel.example.com:8080/x?y=1"))
                .isEqualTo(new Addressing.Tunnel("api", "/x?y=1", ""));
        assertThat(addressing.resolve("api.tunnel.example.com", "https://api.tunnel.example.com"))
                .isEqualTo(new Addressing.Tunnel("api", "/", ""));
        assertThat(addressing.resolve("api.tunnel.example.com", "http://other.example/x"))
                .isInstanceOf(Addressing.BadRequest.class);
        assertThat(addressing.resolve("api.tunnel.example.com", "http://user@api.tunnel.example.com/x"))
                .isInstanceOf(Addressing.BadRequest.class);
        assertThat(addressing.resolve("api.tunnel.example.com", "ftp://api.tunnel.example.com/x"))
                .isInstanceOf(Addressing.BadRequest.class);
        assertThat(addressing.resolve("api.tunnel.example.com", "x")).isInstanceOf(Addressing.BadRequest.class);
    }

    @Test
    void anythingElseIsNoTunnel() {
        assertThat(addressing.resolve("tunnel.example.com", "/")).isInstanceOf(Addressing.NoTunnel.class);
        assertThat(addressing.resolve("10.0.0.1", "/page")).isInstanceOf(Addressing.NoTunnel.class);
    }
}
