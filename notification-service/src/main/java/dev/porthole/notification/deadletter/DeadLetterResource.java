package dev.porthole.notification.deadletter;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.porthole.notification.channel.ChannelRepository;
import dev.porthole.notification.problem.ProblemException;
import dev.porthole.protocol.admin.AdminTokenKey;
import dev.porthole.protocol.problem.Problem;
import io.quarkus.logging.Log;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.regex.Pattern;

/** Admin API for dead letters: {@code /api/v1/dead-letters}, newest first; replay or discard one. */
@Path("/api/v1/dead-letters")
@RolesAllowed(AdminTokenKey.ADMIN_ROLE)
@Produces(MediaType.APPLICATION_JSON)
public class DeadLetterResource {

    /** Most dead letters one list answer carries. */
    static final int MAX_LIMIT = 1000;

    private static final Pattern STREAM_ID = Pattern.compile("\\d{1,20}-\\d{1,20}");

    private final DeadLetterStore store;
    private final ChannelRepository channels;
    private final ObjectMapper mapper;

    public DeadLetterResource(DeadLetterStore store, ChannelRepository channels, ObjectMapper mapper) {
        this.store = store;
        this.channels = channels;
        this.mapper = mapper;
    }

    @GET
    public List<DeadLetterView> list(@QueryParam("limit") @DefaultValue("100") int limit) {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new ProblemException(
                    Problem.validation(List.of(new Problem.FieldError("limit", "must be between 1 and " + MAX_LIMIT))));
        }
        return store.newest(limit).stream()
                .map(l -> DeadLetterView.of(l, mapper))
                .toList();
    }

    @GET
    @Path("{id}")
    public DeadLetterView get(@PathParam("id") String id) {
        return DeadLetterView.of(existing(id), mapper);
    }

    /** Puts the event back on the events stream for its channel only, and removes the dead letter. */
    @POST
    @Path("{id}/replay")
    public Response replay(@PathParam("id") String id) {
        DeadLetter letter = existing(id);
        if (!letter.replayable()) {
            throw ProblemException.conflict("dead letter " + id
                    + " is a malformed entry, not an event; fix its producer instead of replaying it");
        }
        String channel = letter.channelId().orElseThrow();
        if (channels.find(channel).isEmpty()) {
            throw ProblemException.conflict(
                    "channel '" + channel + "' no longer exists; create it again to replay this event");
        }
        String entryId = store.replay(letter);
        Log.infof("dead letter %s replayed to channel %s as entry %s", id, channel, entryId);
        return Response.accepted(new ReplayResult(id, channel, entryId)).build();
    }

    @DELETE
    @Path("{id}")
    public Response discard(@PathParam("id") String id) {
        existing(id);
        store.delete(id);
        Log.infof("dead letter %s discarded", id);
        return Response.noContent().build();
    }

    /**
     * Answer of a replay.
     *
     * @param deadLetterId the dead letter, now removed
     * @param channel the channel the event goes to
     * @param entryId the new entry's id in the events stream
     */
    public record ReplayResult(String deadLetterId, String channel, String entryId) {}

    private DeadLetter existing(String id) {
        if (!STREAM_ID.matcher(id).matches()) {
            throw new ProblemException(Problem.validation(
                    List.of(new Problem.FieldError("id", "a stream entry id such as 1700000000000-0"))));
        }
        return store.find(id).orElseThrow(() -> ProblemException.notFound("no dead letter " + id));
    }
}
