package dev.porthole.gateway.limits;

/** The limits that can bite, as named in metrics and in {@code limit.hit} events. */
public enum LimitKind {
    BODY_SIZE("body-size"),
    REQUESTS("requests-per-second"),
    STREAMS("streams"),
    UPLOAD("upload"),
    DOWNLOAD("download");

    private final String label;

    LimitKind(String label) {
        this.label = label;
    }

    /** The name in metrics and events. */
    public String label() {
        return label;
    }
}
