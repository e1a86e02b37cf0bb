package dev.porthole.notification.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.porthole.notification.deadletter.DeadLetter;
import dev.porthole.notification.provider.ProviderKind;
import dev.porthole.protocol.event.EventType;
import dev.porthole.testing.WebhookReceiver;
import jakarta.inject.Singleton;
import java.time.Duration;

/**
 * What a notification-service test needs besides the service: writing events, reading what became
 * of them, creating channels (removed after each test by {@link ChannelCleanup}). One injection
 * point instead of three fields and a set-up method in every test class.
 */
@Singleton
public final class NotificationFixture {

    private final Events events;
    private final StreamState state;
    private final TestChannels channels;

    public NotificationFixture(Events events, StreamState state, TestChannels channels) {
        this.events = events;
        this.state = state;
        this.channels = channels;
    }

    /** Writes events to the stream as producers do. */
    public Events events() {
        return events;
    }

    /** Pending entries and dead letters. */
    public StreamState state() {
        return state;
    }

    /** Channels created for this test. */
    public TestChannels channels() {
        return channels;
    }

    /**
     * Creates a plain-text channel ("{type}", no secret) for client.created at {@code url} and appends one
     * client.created event for {@code clientId}; returns the event's entry id.
     */
    public String sendClientCreated(String channelId, ProviderKind provider, String url, String clientId) {
        channels.createText(channelId, provider, url, "{type}", EventType.CLIENT_CREATED);
        return events.append(Events.clientCreated(clientId));
    }

    /**
     * Waits (up to ten seconds) until {@code path} has had two requests, a passing failure and its retry,
     * and the entry is acknowledged; checks that no dead letter was written for it.
     */
    public void awaitDeliveredOnSecondAttempt(WebhookReceiver receiver, String path, String entry) {
        await().atMost(Duration.ofSeconds(10))
                .until(() -> receiver.requests(path).size() == 2 && !state.pending(entry));
        assertThat(state.deadLettersOf(entry)).isEmpty();
    }

    /**
     * Waits for the entry's dead letter and checks that it is a rejection saying {@code reason}, after the
     * one request to {@code path} (no retry); returns it.
     */
    public DeadLetter awaitRejectedAtFirstAttempt(WebhookReceiver receiver, String path, String entry, String reason) {
        DeadLetter letter = state.awaitDeadLetter(entry);
        assertThat(letter.kind()).isEqualTo(DeadLetter.Kind.REJECTED);
        assertThat(letter.reason()).isEqualTo(reason);
        assertThat(receiver.requests(path)).hasSize(1);
        return letter;
    }
}
