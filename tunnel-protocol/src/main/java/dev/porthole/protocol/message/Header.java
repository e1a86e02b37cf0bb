package dev.porthole.protocol.message;

import java.util.Objects;

/** One HTTP header line; repeated names are repeated entries, in order. */
public record Header(String name, String value) {
    public Header {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(value, "value");
    }
}
