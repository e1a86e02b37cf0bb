package dev.porthole.auth.service;

import dev.porthole.auth.broadcast.ControlChannel;
import dev.porthole.auth.credential.SecretGenerator;
import dev.porthole.auth.event.EventLog;
import dev.porthole.auth.jwt.SigningKey;
import dev.porthole.auth.repository.SigningKeyRepository;
import dev.porthole.protocol.broadcast.ControlBroadcast;
import dev.porthole.protocol.event.PortholeEvent;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Optional;

/**
 * The two JWT signing secrets: the current one signs and verifies, the previous one (after a
 * rotation) only verifies until it is retired, so that rotation needs no downtime.
 */
@ApplicationScoped
public class SigningKeyService {

    private static final DateTimeFormatter KID_DATE =
            DateTimeFormatter.ofPattern("yyyyMMdd").withZone(ZoneOffset.UTC);

    private final SigningKeyRepository repository;
    private final SecretGenerator generator;
    private final ControlChannel control;
    private final EventLog events;
    private final Clock clock;

    public SigningKeyService(
            SigningKeyRepository repository,
            SecretGenerator generator,
            ControlChannel control,
            EventLog events,
            Clock clock) {
        this.repository = repository;
        this.generator = generator;
        this.control = control;
        this.events = events;
        this.clock = clock;
    }

    /**
     * Both secrets' ids.
     *
     * @param current the signing secret (created on first use)
     * @param previous the secret before the last rotation, if not yet retired
     */
    public record KeyPair(SigningKey current, Optional<SigningKey> previous) {}

    /** The current secret, generated on first use (once, even with several instances). */
    public SigningKey currentKey() {
        return repository.current().orElseGet(() -> repository.currentOrCreate(newKey()));
    }

    public KeyPair status() {
        return new KeyPair(currentKey(), repository.previous());
    }

    /** The current secret becomes previous and a new one is current; refused while a previous one is active. */
    public KeyPair rotate(String actor) {
        SigningKey old = currentKey();
        SigningKey next = newKey();
        repository.rotate(next).ifPresent(previous -> {
            throw new AdminException(
                    AdminException.Kind.CONFLICT,
                    "Previous secret still active",
                    "the previous signing secret '" + previous.kid() + "' is still active; retire it first"
                            + " (DELETE /api/v1/signing-secrets/previous), once no agent uses JWTs signed with it");
        });
        events.append(new PortholeEvent.SigningSecretRotated(actor, next.kid(), old.kid()));
        Log.infof("signing secret rotated by %s: current %s, previous %s", actor, next.kid(), old.kid());
        return status();
    }

    /** Drops the previous secret: JWTs signed with it stop working and gateways close their sessions. */
    public KeyPair retirePrevious(String actor) {
        SigningKey retired = repository
                .retirePrevious()
                .orElseThrow(() -> new AdminException(
                        AdminException.Kind.CONFLICT,
                        "No previous secret",
                        "there is no previous signing secret to retire; rotate first"));
        control.publish(new ControlBroadcast.SigningKeyRetired(retired.kid()));
        KeyPair status = status();
        events.append(
                new PortholeEvent.SigningSecretRotated(actor, status.current().kid(), null));
        Log.infof("signing secret %s retired by %s", retired.kid(), actor);
        return status;
    }

    private SigningKey newKey() {
        return new SigningKey(
                "k-" + KID_DATE.format(clock.instant()) + "-" + generator.id("").substring(0, 8),
                generator.signingSecret(),
                clock.instant());
    }
}
