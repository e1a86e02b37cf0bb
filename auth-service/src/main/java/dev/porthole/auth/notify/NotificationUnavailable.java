package dev.porthole.auth.notify;

/** notification-service could not answer the console; the message says what to check. */
public final class NotificationUnavailable extends RuntimeException {

    public NotificationUnavailable(String message) {
        super(message, null, false, false);
    }
}
