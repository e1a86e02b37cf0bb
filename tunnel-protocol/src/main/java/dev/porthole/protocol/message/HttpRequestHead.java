package dev.porthole.protocol.message;

import java.util.List;
import java.util.Objects;

/** The head of a visitor's HTTP request as the gateway forwards it: method, path with query, headers. */
public record HttpRequestHead(String method, String uri, List<Header> headers) {
    public HttpRequestHead {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(uri, "uri");
        headers = List.copyOf(headers);
    }
}
