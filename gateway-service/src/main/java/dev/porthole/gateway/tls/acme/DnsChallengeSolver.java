package dev.porthole.gateway.tls.acme;

import java.net.URI;
import java.time.Duration;

/**
 * Publishes and removes the TXT records that answer ACME DNS-01 challenges (RFC 8555, section 8.4)
 * in the DNS the CA asks; one implementation per DNS provider. Calls block (they run on the ordering
 * threads) and return once the provider accepted the change.
 */
public interface DnsChallengeSolver {

    /** The DNS providers the gateway can publish TXT records through ({@code tls.acme.dns01.solver}). */
    enum Kind {
        /** Pebble's test DNS ({@code pebble-challtestsrv}) through its management API: for tests and local trials. */
        PEBBLE_CHALLTESTSRV;

        /** The value as the setting spells it: {@code pebble-challtestsrv}. */
        public String setting() {
            return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        }
    }

    /** Publishes {@code digest} as a TXT record at {@code recordName} (like {@code _acme-challenge.example.com.}). */
    void publish(String recordName, String digest) throws DnsSolverException, InterruptedException;

    /** Removes the record {@link #publish} made. */
    void remove(String recordName, String digest) throws DnsSolverException, InterruptedException;

    /** The solver of {@code kind} talking to the provider's API at {@code url}, giving up on a call after {@code timeout}. */
    static DnsChallengeSolver of(Kind kind, URI url, Duration timeout) {
        return switch (kind) {
            case PEBBLE_CHALLTESTSRV -> new ChallengeTestServerSolver(url, timeout);
        };
    }

    /** The provider could not be reached or refused the change; the message names the provider, its URL and what it said. */
    final class DnsSolverException extends Exception {
        public DnsSolverException(String message) {
            super(message, null, false, false);
        }
    }
}
