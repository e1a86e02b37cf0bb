package dev.porthole.gateway.tls.acme;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.porthole.gateway.tls.acme.AcmeClient.AcmeRefused;
import dev.porthole.testing.FreePorts;
import dev.porthole.testing.PebbleProcess;
import java.net.URI;
import java.security.KeyPair;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A wildcard order over DNS-01 that cannot succeed says why, against a real Pebble CA: the solver's
 * API cannot be reached, or the TXT record never appeared and the CA refuses. The gateway publishes
 * this message in {@code cert.renewal-failed} as it does for HTTP-01 ({@code AcmeOnDemandTest}).
 */
class AcmeDns01RefusalTest {

    private static PebbleProcess pebble;
    private static AcmeClient client;
    private static final KeyPair ACCOUNT = AcmeClient.ecKeyPair("secp384r1");

    @BeforeAll
    static void startPebble() {
        pebble = PebbleProcess.start(FreePorts.loopback(), Duration.ofDays(1), List.of());
        client = new AcmeClient(
                pebble.directoryUrl(), Optional.of(pebble.caFile()), Optional.empty(), Duration.ofSeconds(20));
    }

    @AfterAll
    static void stopPebble() {
        if (pebble != null) {
            pebble.close();
        }
    }

    @Test
    void namesTheSolverAndItsUrlWhenItCannotBeReached() {
        String url = "http://127.0.0.1:" + FreePorts.loopback();
        DnsChallengeSolver unreachable = DnsChallengeSolver.of(
                DnsChallengeSolver.Kind.PEBBLE_CHALLTESTSRV, URI.create(url), Duration.ofSeconds(2));

        assertThatThrownBy(() -> client.orderWildcard("unreachable.test", ACCOUNT, unreachable))
                .isInstanceOf(AcmeRefused.class)
                .hasMessageStartingWith(
                        "the ACME CA did not issue a certificate for *.unreachable.test: cannot publish the DNS-01 TXT record"
                                + " _acme-challenge.unreachable.test.")
                .hasMessageContaining("the DNS-01 solver pebble-challtestsrv at " + url + " cannot be reached");
    }

    @Test
    void saysWhatTheCaSaidWhenTheTxtRecordIsNotThere() {
        DnsChallengeSolver silent = new DnsChallengeSolver() {
            @Override
            public void publish(String recordName, String digest) {
                // a provider that accepted the change but never served it
            }

            @Override
            public void remove(String recordName, String digest) {}
        };

        assertThatThrownBy(() -> client.orderWildcard("silent.test", ACCOUNT, silent))
                .isInstanceOf(AcmeRefused.class)
                .hasMessageStartingWith(
                        "the ACME CA did not issue a certificate for *.silent.test: the DNS-01 challenge for"
                                + " _acme-challenge.silent.test. failed:")
                .hasMessageContaining("TXT");
    }
}
