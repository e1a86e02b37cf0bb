package dev.porthole.gateway.dial;

import static dev.porthole.gateway.dial.ProxyVisitor.basic;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.porthole.gateway.support.GatewayPortResource;
import dev.porthole.gateway.support.GatewayTestProfiles;
import dev.porthole.gateway.support.TestAgent;
import dev.porthole.gateway.support.TlsFilesResource;
import dev.porthole.protocol.message.TunnelKind;
import dev.porthole.protocol.message.TunnelRequest;
import dev.porthole.testing.RedisTestResource;
import dev.porthole.testing.TlsProbe;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.vertx.core.Vertx;
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.security.GeneralSecurityException;
import java.util.List;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;

/**
 * The gateway as an HTTPS proxy ({@code curl -x https://gateway}): CONNECT over the TLS listener,
 * and a tunnel that outlives the request-head deadline, which is for requests, not for the bytes
 * of a CONNECT.
 */
@QuarkusTest
@TestProfile(ConnectProxyTlsTest.ShortHeadDeadline.class)
@WithTestResource(RedisTestResource.class)
@WithTestResource(GatewayPortResource.class)
@WithTestResource(TlsFilesResource.class)
class ConnectProxyTlsTest {

    /** A request head must come within 500 ms: a CONNECT tunnel quiet for longer must stay open. */
    public static final class ShortHeadDeadline extends GatewayTestProfiles.Overrides {
        public ShortHeadDeadline() {
            super("porthole.gateway.http.request-head-timeout=500ms");
        }
    }

    @Inject
    Vertx vertx;

    private static ProxyVisitor connect(String target, String authorization)
            throws IOException, GeneralSecurityException {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, TlsProbe.trusting(TlsFilesResource.ca().caFile()).getTrustManagers(), null);
        SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", GatewayPortResource.port());
        SSLParameters parameters = socket.getSSLParameters();
        parameters.setServerNames(List.of(new SNIHostName("porthole.test")));
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        socket.setSSLParameters(parameters);
        return ProxyVisitor.connect(socket, target, authorization);
    }

    @Test
    void carriesAPrivateTunnelOverTheTlsListenerPastTheRequestHeadDeadline() throws Exception {
        TestAgent publisher = TestAgent.connectTls(
                        vertx,
                        GatewayPortResource.port(),
                        "Bearer " + ConnectProxyTest.TOKEN,
                        "agent-db",
                        List.of(new TunnelRequest(TunnelKind.TCP, "db", 0, true, "127.0.0.1:5432")),
                        TlsFilesResource.ca().caFile())
                .serving(ConnectProxyTest.ECHO);
        assertThat(publisher.awaitWelcome().tunnels().getFirst().granted()).isTrue();
        try (ProxyVisitor visitor = connect("db:5432", basic("x", ConnectProxyTest.TOKEN))) {
            assertThat(visitor.status()).as(visitor.head()).isEqualTo(200);
            assertThat(visitor.echo("over TLS")).isEqualTo("over TLS");
            // Quiet for five head deadlines: nothing arrives, and the tunnel is not closed under the visitor.
            visitor.socket().setSoTimeout(2_500);
            assertThatThrownBy(() -> visitor.socket().getInputStream().read())
                    .isInstanceOf(SocketTimeoutException.class);
            assertThat(visitor.echo("still there")).isEqualTo("still there");
        }
        try (ProxyVisitor visitor = connect("db:5432", null)) {
            assertThat(visitor.status()).isEqualTo(407);
            assertThat(visitor.headers("Proxy-Authenticate")).containsExactlyElementsOf(ConnectProxy.CHALLENGES);
        }
        publisher.close();
    }
}
