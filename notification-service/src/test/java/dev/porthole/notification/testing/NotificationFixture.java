package dev.porthole.notification.testing;

import jakarta.inject.Singleton;

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
}
