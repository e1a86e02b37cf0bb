package dev.porthole.agent.login;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The saved login in the user's config directory: {@code $PORTHOLE_CONFIG_DIR}, else
 * {@code $XDG_CONFIG_HOME/porthole}, else {@code ~/.config/porthole}. The file is
 * {@code credentials.json}, readable and writable by its owner only (0600, in a 0700 directory);
 * it is written to a new 0600 file first and moved into place, so it is never readable by others,
 * not even for a moment.
 */
public final class CredentialStore {

    public static final String FILE_NAME = "credentials.json";
    static final Set<PosixFilePermission> OWNER_ONLY_FILE = PosixFilePermissions.fromString("rw-------");
    static final Set<PosixFilePermission> OWNER_ONLY_DIR = PosixFilePermissions.fromString("rwx------");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path directory;

    public CredentialStore(Path directory) {
        this.directory = directory;
    }

    /** The store of this user, located by the environment as described above. */
    public static CredentialStore forUser() {
        return new CredentialStore(directory(System.getenv(), Path.of(System.getProperty("user.home"))));
    }

    static Path directory(Map<String, String> env, Path home) {
        String own = env.get("PORTHOLE_CONFIG_DIR");
        if (own != null && !own.isBlank()) {
            return Path.of(own);
        }
        String xdg = env.get("XDG_CONFIG_HOME");
        if (xdg != null && !xdg.isBlank()) {
            return Path.of(xdg, "porthole");
        }
        return home.resolve(".config").resolve("porthole");
    }

    public Path file() {
        return directory.resolve(FILE_NAME);
    }

    /** Saves the login, replacing the one before. */
    public void save(SavedLogin login) {
        try {
            if (!Files.isDirectory(directory)) {
                Files.createDirectories(directory, PosixFilePermissions.asFileAttribute(OWNER_ONLY_DIR));
            }
            Path temporary = Files.createTempFile(
                    directory, ".credentials", ".tmp", PosixFilePermissions.asFileAttribute(OWNER_ONLY_FILE));
            try {
                Files.write(temporary, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(login));
                move(temporary);
            } finally {
                Files.deleteIfExists(temporary);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot save the login in " + file() + ": " + e.getMessage(), e);
        }
    }

    /** The saved login, if there is one. */
    public Optional<SavedLogin> load() {
        try {
            return Optional.of(JSON.readValue(Files.readAllBytes(file()), SavedLogin.class));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the saved login " + file() + " (" + e.getMessage()
                    + "); run 'porthole login' again or delete the file");
        }
    }

    /** Forgets the saved login; false if there was none. */
    public boolean delete() {
        try {
            return Files.deleteIfExists(file());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + file() + ": " + e.getMessage(), e);
        }
    }

    private void move(Path temporary) throws IOException {
        try {
            Files.move(temporary, file(), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temporary, file(), StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
