package dev.porthole.gateway.configfile;

import java.util.List;

/** The configuration file has mistakes; each names the file, the line and the key. */
public final class GatewayFileException extends Exception {

    private final List<String> problems;

    public GatewayFileException(List<String> problems) {
        super(String.join("; ", problems), null, false, false);
        this.problems = List.copyOf(problems);
    }

    /** One sentence per mistake, like {@code porthole.yml line 7: limits.max-body-size: "lots" is not a size like 10MiB}. */
    public List<String> problems() {
        return problems;
    }
}
