package dev.porthole.auth.security;

import dev.porthole.auth.config.AdminConfig;
import dev.porthole.auth.config.AuthConfig;
import dev.porthole.auth.credential.TokenDigest;
import dev.porthole.auth.jwt.AdminJwtVerifier;
import dev.porthole.auth.jwt.JwtIssuer;
import dev.porthole.auth.lockout.FailureLedger;
import dev.porthole.auth.metrics.AuthMetrics;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Trades the bootstrap admin key for a short-lived admin JWT, for the admin API's token endpoint and
 * the console's login alike: wrong keys count as failures of the caller's address, and an address
 * over the threshold is refused until its window passes, right key or not.
 */
@ApplicationScoped
public class AdminKeyExchange {

    /** What an exchange gave. */
    public sealed interface Outcome {}

    /** The key was right: an admin JWT valid until {@code expiresAt}. */
    public record Issued(String jwt, Instant expiresAt, Duration lifetime) implements Outcome {
        @Override
        public String toString() {
            return "Issued[expiresAt=" + expiresAt + "]";
        }
    }

    /** The key was missing or wrong. */
    public record Refused() implements Outcome {}

    /** Too many failures from this address: try again in {@code seconds}. */
    public record Locked(long seconds) implements Outcome {}

    /** No admin key is configured: nothing can be exchanged. */
    public record Disabled() implements Outcome {}

    private final AdminConfig admin;
    private final AdminJwtVerifier verifier;
    private final JwtIssuer issuer;
    private final FailureLedger ledger;
    private final AuthMetrics metrics;
    private final Duration lifetime;
    private final Clock clock;

    public AdminKeyExchange(
            AdminConfig admin,
            AdminJwtVerifier verifier,
            JwtIssuer issuer,
            FailureLedger ledger,
            AuthMetrics metrics,
            AuthConfig config,
            Clock clock) {
        this.admin = admin;
        this.verifier = verifier;
        this.issuer = issuer;
        this.ledger = ledger;
        this.metrics = metrics;
        this.lifetime = config.adminTokenLifetime();
        this.clock = clock;
    }

    /** Whether an admin key is configured, so that there is anything to exchange. */
    public boolean enabled() {
        return admin.key().isPresent() && verifier.key().isPresent();
    }

    /** Checks {@code presented} against the bootstrap admin key for a caller at {@code address}. */
    public Outcome exchange(String presented, String address) {
        if (!enabled()) {
            return new Disabled();
        }
        Optional<Duration> locked = ledger.lockedFor(address, null);
        if (locked.isPresent()) {
            ledger.refusedWhileLocked(address, null);
            return new Locked(Math.max(1, (locked.get().toMillis() + 999) / 1000));
        }
        if (presented == null
                || presented.isEmpty()
                || !TokenDigest.sameToken(presented, admin.key().get())) {
            ledger.failed(address, null, "bad-admin-key");
            metrics.refused("bad-admin-key");
            Log.infof("admin token refused from %s: wrong admin key", address);
            return new Refused();
        }
        Instant now = clock.instant();
        Instant expiresAt = now.plus(lifetime);
        String jwt = issuer.adminToken(verifier.key().get(), "admin", now, expiresAt);
        Log.infof("admin token issued to %s, valid until %s", address, expiresAt);
        return new Issued(jwt, expiresAt, lifetime);
    }
}
