package dev.porthole.agent.config;

/**
 * One mistake in porthole.yml, with where it is.
 *
 * @param line the 1-based line of the key (or of the value that broke the syntax); 0 for the file as a whole
 * @param key the key's path, such as {@code tunnels.web.port}; empty for the file as a whole
 * @param message what is wrong and, where it helps, what to write instead
 */
public record ConfigProblem(int line, String key, String message) {

    /** {@code porthole.yml:7: tunnels.web.port: must be a number} */
    public String describe(String file) {
        return file + (line > 0 ? ":" + line : "") + ": " + (key.isEmpty() ? "" : key + ": ") + message;
    }
}
