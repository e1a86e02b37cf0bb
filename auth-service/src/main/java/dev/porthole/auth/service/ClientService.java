package dev.porthole.auth.service;

import dev.porthole.auth.broadcast.ControlChannel;
import dev.porthole.auth.config.AuthConfig;
import dev.porthole.auth.credential.SecretGenerator;
import dev.porthole.auth.credential.SecretHasher;
import dev.porthole.auth.event.EventLog;
import dev.porthole.auth.repository.ClientRecord;
import dev.porthole.auth.repository.ClientRepository;
import dev.porthole.auth.repository.ReservationRepository;
import dev.porthole.auth.repository.TokenRepository;
import dev.porthole.protocol.auth.Grants;
import dev.porthole.protocol.broadcast.ControlBroadcast;
import dev.porthole.protocol.event.PortholeEvent;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Creates, changes and deletes clients, keeps their name reservations exact, and tells gateways
 * (broadcasts) and operators (events) about what matters.
 */
@ApplicationScoped
public class ClientService {

    /** A TCP port's reservation is {@code reservation:tcp:<port>}; names cannot hold a colon. */
    static final String PORT_PREFIX = "tcp:";

    private final ClientRepository clients;
    private final ReservationRepository reservations;
    private final TokenRepository tokens;
    private final SecretGenerator generator;
    private final SecretHasher hasher;
    private final ControlChannel control;
    private final EventLog events;
    private final AuthConfig config;
    private final Clock clock;

    public ClientService(
            ClientRepository clients,
            ReservationRepository reservations,
            TokenRepository tokens,
            SecretGenerator generator,
            SecretHasher hasher,
            ControlChannel control,
            EventLog events,
            AuthConfig config,
            Clock clock) {
        this.clients = clients;
        this.reservations = reservations;
        this.tokens = tokens;
        this.generator = generator;
        this.hasher = hasher;
        this.control = control;
        this.events = events;
        this.config = config;
        this.clock = clock;
    }

    /**
     * A client and, once only, its secret.
     *
     * @param client the stored client
     * @param secret the client secret in clear; never stored or shown again
     */
    public record WithSecret(ClientRecord client, String secret) {
        @Override
        public String toString() {
            return "WithSecret[client=" + client.id() + "]";
        }
    }

    public WithSecret create(String id, String description, Grants grants, boolean enabled, String actor) {
        Instant now = clock.instant();
        String secret = generator.clientSecret();
        ClientRecord client =
                new ClientRecord(id, description, enabled, grants, hasher.hash(secret), generator.id("sec_"), now, now);
        if (!clients.create(client)) {
            throw new AdminException(
                    AdminException.Kind.CONFLICT,
                    "Client exists",
                    "client '" + id + "' already exists; pick another id or update that client");
        }
        Optional<String> conflict = reservations.reserve(id, reservedNames(grants), Set.of());
        if (conflict.isPresent()) {
            clients.delete(id);
            throw nameTaken(conflict.get());
        }
        events.append(new PortholeEvent.ClientCreated(id, actor));
        Log.infof("client %s created by %s", id, actor);
        return new WithSecret(client, secret);
    }

    /** Whether a client with this id is stored (an agent may also connect with a gateway's static token or as a public session). */
    public boolean exists(String id) {
        return clients.find(id).isPresent();
    }

    public ClientRecord get(String id) {
        return clients.find(id).orElseThrow(() -> notFound(id));
    }

    public Page<ClientRecord> list(int page, int size) {
        return new Page<>(clients.page((long) page * size, size), page, size, clients.count());
    }

    public ClientRecord updateGrants(String id, Grants grants, String actor) {
        ClientRecord client = get(id);
        Set<String> hold = reservedNames(grants);
        Set<String> release = new LinkedHashSet<>(reservedNames(client.grants()));
        release.removeAll(hold);
        reservations.reserve(id, hold, release).ifPresent(name -> {
            throw nameTaken(name);
        });
        ClientRecord updated = client.withGrants(grants, clock.instant());
        if (!clients.update(updated)) {
            throw notFound(id);
        }
        control.publish(new ControlBroadcast.ClientGrantsChanged(id));
        Log.infof("client %s grants updated by %s", id, actor);
        return updated;
    }

    public ClientRecord setEnabled(String id, boolean enabled, String actor) {
        ClientRecord client = get(id);
        ClientRecord updated = client.withEnabled(enabled, clock.instant());
        if (!clients.update(updated)) {
            throw notFound(id);
        }
        if (!enabled) {
            control.publish(new ControlBroadcast.ClientDisabled(id));
            if (client.enabled()) {
                events.append(new PortholeEvent.ClientDisabled(id, actor));
            }
        }
        Log.infof("client %s %s by %s", id, enabled ? "enabled" : "disabled", actor);
        return updated;
    }

    /** Replaces the secret; sessions opened with the old one are closed (broadcast). */
    public WithSecret rotateSecret(String id, String actor) {
        ClientRecord client = get(id);
        String secret = generator.clientSecret();
        ClientRecord updated = client.withSecret(hasher.hash(secret), generator.id("sec_"), clock.instant());
        if (!clients.update(updated)) {
            throw notFound(id);
        }
        if (client.secretId() != null) {
            control.publish(new ControlBroadcast.CredentialRevoked(id, client.secretId()));
        }
        Log.infof("client %s secret rotated by %s", id, actor);
        return new WithSecret(updated, secret);
    }

    /** Deletes the client, its tokens and its reservations; its sessions are closed (broadcast). */
    public void delete(String id, String actor) {
        ClientRecord client = get(id);
        tokens.deleteAllOf(id, clock.instant(), config.jwt().clockSkew());
        reservations.releaseAll(id, reservedNames(client.grants()));
        clients.delete(id);
        control.publish(new ControlBroadcast.ClientDeleted(id));
        events.append(new PortholeEvent.ClientDeleted(id, actor));
        Log.infof("client %s deleted by %s", id, actor);
    }

    /**
     * Exact names (no pattern) among subdomains and private tunnels, and the TCP ports granted by
     * number ({@code tcp:<port>}, so that no other client takes one while its client reconnects, nor
     * from a gateway's range): those are reserved for the client.
     */
    static Set<String> reservedNames(Grants grants) {
        Set<String> names = new LinkedHashSet<>();
        for (List<String> list : List.of(grants.subdomains(), grants.privateTunnels())) {
            list.stream().filter(name -> !name.contains("*")).forEach(names::add);
        }
        grants.tcpPorts().forEach(port -> names.add(PORT_PREFIX + port));
        return names;
    }

    private static AdminException nameTaken(String name) {
        if (name.startsWith(PORT_PREFIX)) {
            return new AdminException(
                    AdminException.Kind.CONFLICT,
                    "Port reserved",
                    "TCP port " + name.substring(PORT_PREFIX.length())
                            + " is granted to another client; grant another port or remove it from that client first");
        }
        return new AdminException(
                AdminException.Kind.CONFLICT,
                "Name reserved",
                "the name '" + name
                        + "' is reserved by another client; pick another name or remove it from that client first");
    }

    private static AdminException notFound(String id) {
        return AdminException.notFound("client '" + id + "' does not exist");
    }
}
