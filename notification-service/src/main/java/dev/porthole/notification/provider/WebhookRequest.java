package dev.porthole.notification.provider;

import java.net.URI;
import java.nio.charset.StandardCharsets;

/**
 * One HTTP POST to a chat service, exactly as it goes on the wire. {@link #toString()} masks the URI.
 *
 * @param uri the full URI, signature query parameters included
 * @param body the JSON body
 */
public record WebhookRequest(URI uri, byte[] body) {

    /** Content type of every request: all four services take JSON. */
    public static final String CONTENT_TYPE = "application/json";

    public String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return "WebhookRequest[uri=" + WebhookUrls.mask(uri.toString()) + ", " + body.length + " bytes]";
    }
}
