package dev.porthole.agent.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** --host-header and --upstream-basic-auth: what reaches the local service, and what is refused. */
class UpstreamHttpOptionsTest {

    private static final UpstreamAddress UPSTREAM = new UpstreamAddress("localhost", 8080);

    @Test
    void keepsRewritesOrReplacesTheHostHeader() {
        assertThat(UpstreamHttpOptions.NONE.host(UPSTREAM)).isNull();
        assertThat(UpstreamHttpOptions.of("rewrite", null, o -> "--" + o).host(UPSTREAM))
                .isEqualTo("localhost:8080");
        assertThat(UpstreamHttpOptions.of("app.internal:80", null, o -> "--" + o)
                        .host(UPSTREAM))
                .isEqualTo("app.internal:80");
    }

    @Test
    void sendsBasicAuthAndNeverPrintsThePassword() {
        UpstreamHttpOptions options = UpstreamHttpOptions.of(null, "alice:s3cret", o -> "--" + o);
        assertThat(options.authorization()).isEqualTo("Basic YWxpY2U6czNjcmV0");
        assertThat(options.toString()).contains("alice:***").doesNotContain("s3cret");
    }

    @Test
    void refusesValuesThatCannotBeHeaders() {
        assertThatThrownBy(() -> UpstreamHttpOptions.of("evil\r\nX: y", null, o -> "--" + o))
                .hasMessageStartingWith("--host-header must be");
        assertThatThrownBy(() -> UpstreamHttpOptions.of(null, "nocolon", o -> "--" + o))
                .hasMessage("--upstream-basic-auth must be user:password");
        assertThatThrownBy(() -> UpstreamHttpOptions.of(null, ":pw", o -> "--" + o))
                .hasMessage("--upstream-basic-auth must be user:password");
    }

    @Test
    void picksTheUpstreamProtocolAndRefusesUnknownOnes() {
        assertThat(UpstreamHttpOptions.NONE.protocol()).isEqualTo(UpstreamProtocol.HTTP1);
        assertThat(UpstreamHttpOptions.of(null, null, false, true, "h2c", o -> "--" + o)
                        .protocol())
                .isEqualTo(UpstreamProtocol.H2C);
        UpstreamHttpOptions h2 = UpstreamHttpOptions.of(null, null, false, true, "H2", o -> "--" + o);
        assertThat(h2.protocol()).isEqualTo(UpstreamProtocol.H2);
        assertThat(h2.tls()).as("h2 is HTTP/2 over TLS").isTrue();
        assertThatThrownBy(() -> UpstreamHttpOptions.of(null, null, false, true, "http3", o -> "--" + o))
                .hasMessage("--upstream-protocol must be one of http1, h2c, h2, was 'http3'");
        assertThatThrownBy(() -> UpstreamHttpOptions.of(null, null, true, true, "h2c", o -> "--" + o))
                .hasMessageStartingWith("--upstream-protocol h2c is HTTP/2 without TLS");
    }
}
