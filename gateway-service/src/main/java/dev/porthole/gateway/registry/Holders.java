package dev.porthole.gateway.registry;

import dev.porthole.protocol.registry.SessionRecord;
import io.vertx.core.Future;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.temporal.ChronoUnit;

/**
 * Says who holds a name or port that a client asked for in vain: another agent of the same client
 * (which, since when and from where, from the holder's session record), or another client, of
 * which nothing more is said.
 */
@ApplicationScoped
public class Holders {

    private final SessionDirectory directory;

    public Holders(SessionDirectory directory) {
        this.directory = directory;
    }

    /**
     * Whose a held name or port is, for the refusal's sentence.
     *
     * @param yours whether another agent of the asking client holds it
     * @param text {@code held by another agent of yours (...)} or {@code held by another client}
     */
    public record Whose(boolean yours, String text) {}

    /**
     * {@code held by another agent of yours (agent A, connected T from ADDRESS)} or {@code held by another client}.
     *
     * @param holder the route holding it; null for a name kept for its owner after its session ended
     * @param askingClient the client that asked
     */
    public Future<Whose> heldBy(Route holder, String askingClient) {
        if (holder == null || !holder.clientId().equals(askingClient)) {
            return Future.succeededFuture(new Whose(false, "held by another client"));
        }
        return directory
                .find(holder.sessionId())
                .otherwise((SessionRecord) null)
                .map(record -> {
                    String which = record == null || record.connectedAt() == null
                            ? "agent " + holder.agentId()
                            : "agent " + holder.agentId() + ", connected "
                                    + record.connectedAt().truncatedTo(ChronoUnit.SECONDS) + " from "
                                    + record.remoteAddress();
                    return new Whose(true, "held by another agent of yours (" + which + ")");
                });
    }
}
