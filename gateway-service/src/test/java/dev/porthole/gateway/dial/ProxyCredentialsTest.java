package dev.porthole.gateway.dial;

import static dev.porthole.gateway.dial.ProxyVisitor.basic;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** How {@code Proxy-Authorization} becomes the credentials of an agent's handshake. */
class ProxyCredentialsTest {

    @Test
    void aBearerTokenIsAnAgentsToken() {
        assertThat(ProxyCredentials.parse("bearer  pht_abc ", false))
                .isEqualTo(new ProxyCredentials("Bearer pht_abc", null));
    }

    @Test
    void basicCarriesATokenAsItsPasswordOrAClientsCredentials() {
        assertThat(ProxyCredentials.parse(basic("x", "pht_abc"), false))
                .as("an issued token")
                .isEqualTo(new ProxyCredentials("Bearer pht_abc", "x"));
        assertThat(ProxyCredentials.parse(basic("ci-runner", "eyJh.eyJz.sig"), false))
                .as("a JWT: the user is the client its tid must name")
                .isEqualTo(new ProxyCredentials("Bearer eyJh.eyJz.sig", "ci-runner"));
        assertThat(ProxyCredentials.parse(basic("x", "a-static-token-0123"), true))
                .as("the gateway's own static tokens")
                .isEqualTo(new ProxyCredentials("Bearer a-static-token-0123", "x"));
        assertThat(ProxyCredentials.parse(basic("alice", "s3cret"), false))
                .as("a client id and its secret")
                .isEqualTo(new ProxyCredentials(basic("alice", "s3cret"), "alice"));
    }

    @Test
    void unreadableHeadersAreRefusedSayingWhatIsWrong() {
        assertThatThrownBy(() -> ProxyCredentials.parse("Digest username=x", false))
                .hasMessageContaining("must be 'Bearer <token>' or 'Basic <base64 of user:token>'");
        assertThatThrownBy(() -> ProxyCredentials.parse("Basic %%%", false)).hasMessageContaining("not valid base64");
        assertThatThrownBy(() -> ProxyCredentials.parse(basic("x", ""), false)).hasMessageContaining("'user:token'");
        assertThatThrownBy(() -> ProxyCredentials.parse("Bearer ", false)).hasMessageContaining("carries no token");
    }
}
