package dev.porthole.gateway.support;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;

/**
 * Gives the gateway a configuration file in a temporary folder, checked every 100 ms; tests change
 * it with {@link #write(String)}, which replaces it by rename as editors do.
 */
public final class ConfigFileResource implements QuarkusTestResourceLifecycleManager {

    /** The file the gateway starts with. */
    public static final String INITIAL = """
            tokens: [ "file-token-a-0123456789", "file-token-b-0123456789" ]
            """;

    private static volatile Path file;

    @Override
    public Map<String, String> start() {
        try {
            Path folder = Files.createTempDirectory("porthole-config");
            file = folder.resolve("porthole.yml");
            Files.writeString(file, INITIAL);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Map.of(
                "porthole.gateway.config-file",
                file.toString(),
                "porthole.gateway.config-file-check-interval",
                "100ms");
    }

    @Override
    public void stop() {}

    /** Replaces the file's content: written next to it, then renamed over it. */
    public static void write(String content) {
        try {
            Path next = file.resolveSibling("porthole.yml.tmp");
            Files.writeString(next, content, StandardCharsets.UTF_8);
            Files.move(next, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
