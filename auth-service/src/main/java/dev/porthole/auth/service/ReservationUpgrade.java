package dev.porthole.auth.service;

import dev.porthole.auth.repository.ClientRecord;
import dev.porthole.auth.repository.ClientRepository;
import dev.porthole.auth.repository.ReservationRepository;
import io.quarkus.logging.Log;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.Set;

/**
 * Writes every client's reservations again at start-up, under the key names of this version: the
 * reservations are durable, and since issue 22 their keys carry a Redis Cluster hash tag
 * ({@code reservation:{<name>}}), so after an upgrade gateways would not see the ones written under
 * the old names. Idempotent, one compare-and-set per reserved name of every client.
 */
@ApplicationScoped
public class ReservationUpgrade {

    private static final int PAGE = 200;

    private final ClientRepository clients;
    private final ReservationRepository reservations;

    public ReservationUpgrade(ClientRepository clients, ReservationRepository reservations) {
        this.clients = clients;
        this.reservations = reservations;
    }

    void onStart(@Observes StartupEvent startup) {
        try {
            int written = reassertAll();
            Log.debugf("reservations of %d client(s) written under the current key names", written);
        } catch (RuntimeException e) {
            Log.warnf(
                    "could not write the name reservations again at start-up (%s); they are written again when a client's grants change "
                            + "and at the next start",
                    e.getMessage());
        }
    }

    /** Reserves every client's names again; returns how many clients were visited. */
    public int reassertAll() {
        int visited = 0;
        long total = clients.count();
        for (long offset = 0; offset < total; offset += PAGE) {
            for (ClientRecord client : clients.page(offset, PAGE)) {
                reservations
                        .reserve(client.id(), ClientService.reservedNames(client.grants()), Set.of())
                        .ifPresent(name -> Log.warnf(
                                "client %s is granted '%s', which another client holds; fix the grants of one of them",
                                client.id(), name));
                visited++;
            }
        }
        return visited;
    }
}
