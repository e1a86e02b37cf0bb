package dev.porthole.protocol.message;

import java.util.List;
import java.util.Objects;

/** The head of the upstream's HTTP response as the agent returns it. */
public record HttpResponseHead(int status, String reason, List<Header> headers) {
    public HttpResponseHead {
        if (status < 100 || status > 999) {
            throw new IllegalArgumentException("HTTP status " + status + " is out of range");
        }
        Objects.requireNonNull(reason, "reason");
        headers = List.copyOf(headers);
    }
}
