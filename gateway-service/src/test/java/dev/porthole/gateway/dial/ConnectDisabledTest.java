package dev.porthole.gateway.dial;

import static org.assertj.core.api.Assertions.assertThat;

import dev.porthole.gateway.support.GatewayPortResource;
import dev.porthole.gateway.support.GatewayTestProfiles;
import dev.porthole.testing.RedisTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.io.IOException;
import java.net.Socket;
import org.junit.jupiter.api.Test;

/** With {@code porthole.gateway.connect.enabled=false} the public listener is no proxy at all. */
@QuarkusTest
@TestProfile(ConnectDisabledTest.Disabled.class)
@WithTestResource(RedisTestResource.class)
@WithTestResource(GatewayPortResource.class)
class ConnectDisabledTest {

    public static final class Disabled extends GatewayTestProfiles.Overrides {
        public Disabled() {
            super("porthole.gateway.connect.enabled=false");
        }
    }

    @Test
    void refusesEveryConnectWithMethodNotAllowed() throws IOException {
        try (ProxyVisitor visitor = ProxyVisitor.connect(
                new Socket("127.0.0.1", GatewayPortResource.port()),
                "db:5432",
                ProxyVisitor.bearer(ConnectProxyTest.TOKEN))) {
            assertThat(visitor.status()).as(visitor.head()).isEqualTo(405);
            assertThat(visitor.header("Allow")).doesNotContain("CONNECT");
            assertThat(visitor.rest()).contains("does not take CONNECT");
        }
    }
}
