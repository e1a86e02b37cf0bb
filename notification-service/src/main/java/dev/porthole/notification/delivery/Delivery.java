package dev.porthole.notification.delivery;

import dev.porthole.protocol.event.EventEnvelope;

/**
 * One event on its way to one channel.
 *
 * @param entryId the stream entry it came from, acknowledged once all its deliveries are finished
 * @param envelope the event
 * @param channelId the channel it goes to
 */
record Delivery(String entryId, EventEnvelope envelope, String channelId) {}
