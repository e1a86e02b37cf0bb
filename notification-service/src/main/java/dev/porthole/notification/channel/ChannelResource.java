package dev.porthole.notification.channel;

import dev.porthole.notification.config.NotificationConfig;
import dev.porthole.notification.delivery.ChannelTester;
import dev.porthole.notification.problem.ProblemException;
import dev.porthole.protocol.admin.AdminTokenKey;
import dev.porthole.protocol.problem.Problem;
import io.quarkus.logging.Log;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.util.List;
import java.util.Map;

/**
 * Admin API for channels: {@code /api/v1/channels}. Webhook URLs and secrets go in, never out.
 * The {@code default} channel comes from configuration and is read-only here.
 */
@Path("/api/v1/channels")
@RolesAllowed(AdminTokenKey.ADMIN_ROLE)
@Produces(MediaType.APPLICATION_JSON)
public class ChannelResource {

    private final ChannelRepository channels;
    private final ChannelTester tester;
    private final int maxChannels;

    public ChannelResource(ChannelRepository channels, ChannelTester tester, NotificationConfig config) {
        this.channels = channels;
        this.tester = tester;
        this.maxChannels = config.notification().channels().max();
    }

    @GET
    public List<ChannelView> list() {
        return channels.all().stream().map(ChannelView::of).toList();
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Response create(ChannelRequest request) {
        Channel channel = ChannelValidator.create(request);
        if (channels.find(channel.id()).isPresent()) {
            throw ProblemException.conflict(
                    "channel '" + channel.id() + "' exists; update it with PUT /api/v1/channels/" + channel.id());
        }
        long existing = channels.storedCount() + (channels.defaultChannel().isPresent() ? 1 : 0);
        if (existing >= maxChannels) {
            throw ProblemException.conflict(
                    "there are already " + existing + " channels, the most allowed (PORTHOLE_NOTIFY_CHANNELS_MAX="
                            + maxChannels + "); delete one or raise the limit");
        }
        channels.save(channel);
        Log.infof("channel %s created (%s)", channel.id(), channel.provider().wireName());
        return Response.created(URI.create("/api/v1/channels/" + channel.id()))
                .entity(ChannelView.of(channel))
                .build();
    }

    @GET
    @Path("{id}")
    public ChannelView get(@PathParam("id") String id) {
        return ChannelView.of(existing(id));
    }

    @PUT
    @Path("{id}")
    @Consumes(MediaType.APPLICATION_JSON)
    public ChannelView update(@PathParam("id") String id, ChannelRequest request) {
        Channel current = writable(id);
        Channel updated = ChannelValidator.update(current, request);
        channels.save(updated);
        Log.infof("channel %s updated", id);
        return ChannelView.of(updated);
    }

    @DELETE
    @Path("{id}")
    public Response delete(@PathParam("id") String id) {
        writable(id);
        channels.delete(id);
        Log.infof("channel %s deleted", id);
        return Response.noContent().build();
    }

    /** Sends a test message now and returns the chat service's verdict. */
    @POST
    @Path("{id}/test")
    public TestResult test(@PathParam("id") String id) {
        Channel channel = existing(id);
        return switch (tester.test(channel)) {
            case ChannelTester.Outcome.Sent sent ->
                new TestResult(
                        channel.id(),
                        channel.provider().wireName(),
                        sent.verdict().outcome(),
                        sent.verdict().outcome().equals("delivered"),
                        sent.verdict().reason());
            case ChannelTester.Outcome.RateLimited limited -> {
                long seconds = Math.max(1, (limited.retryIn().toMillis() + 999) / 1000);
                throw new ProblemException(
                        Problem.of(
                                "rate-limited",
                                "Rate limited",
                                429,
                                "channel '" + id + "' has used its "
                                        + channel.provider().wireName() + " rate limit; try again in " + seconds + "s"),
                        Map.of("Retry-After", Long.toString(seconds)));
            }
        };
    }

    /**
     * The verdict of a test message.
     *
     * @param channel channel id
     * @param provider chat service
     * @param outcome delivered, retry (a passing failure) or rejected
     * @param delivered whether the service took the message
     * @param detail the service's reason when it did not
     */
    public record TestResult(String channel, String provider, String outcome, boolean delivered, String detail) {}

    private Channel existing(String id) {
        return channels.find(id).orElseThrow(() -> ProblemException.notFound("no channel '" + id + "'"));
    }

    private Channel writable(String id) {
        Channel channel = existing(id);
        if (channel.origin() == Channel.Origin.CONFIG) {
            throw ProblemException.conflict(
                    "channel 'default' is set by NOTIFICATION_PROVIDER / NOTIFICATION_URL; change it there");
        }
        return channel;
    }
}
