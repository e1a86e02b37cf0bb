package dev.porthole.notification.provider;

import java.util.Optional;

/**
 * What a chat service answered.
 *
 * @param status HTTP status
 * @param body the body as text
 * @param retryAfter the raw Retry-After header, if any
 */
public record WebhookResponse(int status, String body, Optional<String> retryAfter) {

    /** The body cut to 200 characters on one line, for reasons in logs and dead letters. */
    public String snippet() {
        String flat = body == null ? "" : body.replaceAll("\\s+", " ").trim();
        return flat.length() <= 200 ? flat : flat.substring(0, 200) + "…";
    }
}
