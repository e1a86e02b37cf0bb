package dev.porthole.gateway.config;

/** The scheme of the public URLs the gateway hands out ({@code http.public-scheme}). */
public enum PublicScheme {
    HTTP,
    HTTPS;

    /** As written in a URL: {@code http} or {@code https}. */
    public String text() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
