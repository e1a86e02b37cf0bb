package dev.porthole.protocol.message;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** What the agent's messages call a tunnel the gateway answered. */
class TunnelResultTest {

    @Test
    void aTunnelIsCalledByItsNameOrWhenItHasNoneByWhatItAskedFor() {
        assertThat(TunnelResult.granted(TunnelKind.HTTP, "web", 0, "http://web.gw")
                        .label())
                .isEqualTo("web");
        assertThat(refused(TunnelKind.HTTP, "", 0).label()).isEqualTo("http, any name");
        assertThat(refused(TunnelKind.TLS, "", 0).label()).isEqualTo("tls, any name");
        assertThat(refused(TunnelKind.TCP, "", 0).label()).isEqualTo("tcp, any port");
        assertThat(refused(TunnelKind.TCP, "", 2222).label()).isEqualTo("tcp port 2222");
        assertThat(refused(TunnelKind.UDP, "", 0).label()).isEqualTo("udp, any port");
    }

    private static TunnelResult refused(TunnelKind kind, String name, int port) {
        return new TunnelResult(kind, name, port, "", TunnelResult.UNAVAILABLE, "not now");
    }
}
