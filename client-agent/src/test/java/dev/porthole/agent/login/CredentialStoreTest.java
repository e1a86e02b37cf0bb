package dev.porthole.agent.login;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The saved login: where it lives, that only its owner can read it, and that it round-trips. */
class CredentialStoreTest {

    @TempDir
    Path dir;

    @Test
    void createsTheCredentialsFileReadableByItsOwnerOnly() throws Exception {
        Path config = dir.resolve("config").resolve("porthole");
        CredentialStore store = new CredentialStore(config);
        store.save(SavedLogin.token("https://gw.example.com", "secret-token"));

        assertThat(Files.getPosixFilePermissions(store.file())).isEqualTo(CredentialStore.OWNER_ONLY_FILE);
        assertThat(Files.getPosixFilePermissions(config)).isEqualTo(CredentialStore.OWNER_ONLY_DIR);
        assertThat(store.load()).contains(SavedLogin.token("https://gw.example.com", "secret-token"));
        try (var files = Files.list(config)) {
            assertThat(files).as("no temporary file left behind").containsExactly(store.file());
        }
    }

    @Test
    void aNewLoginReplacesTheOldOneAndStaysOwnerOnly() throws Exception {
        CredentialStore store = new CredentialStore(dir);
        store.save(SavedLogin.token("https://gw.example.com", "old"));
        store.save(SavedLogin.clientCredentials("https://gw.example.com", "alice", "s3cret"));
        assertThat(store.load()).contains(SavedLogin.clientCredentials("https://gw.example.com", "alice", "s3cret"));
        assertThat(Files.getPosixFilePermissions(store.file())).isEqualTo(CredentialStore.OWNER_ONLY_FILE);
        assertThat(Files.readString(store.file())).doesNotContain("old").doesNotContain("\"token\"");
        assertThat(store.delete()).isTrue();
        assertThat(store.load()).isEmpty();
    }

    @Test
    void theCaFileAndPinsGivenAtLoginAreSavedAndAnOlderFileWithoutThemStillLoads() throws Exception {
        CredentialStore store = new CredentialStore(dir);
        SavedLogin withTrust =
                SavedLogin.token("https://gw.example.com", "t").withTrust("/etc/porthole/ca.pem", List.of("sha256/x"));
        store.save(withTrust);
        assertThat(store.load()).contains(withTrust);

        Files.writeString(store.file(), "{\"server\":\"https://gw.example.com\",\"token\":\"t\"}");
        assertThat(store.load()).contains(SavedLogin.token("https://gw.example.com", "t"));
    }

    @Test
    void findsTheDirectoryFromTheEnvironment() {
        Path home = Path.of("/home/u");
        assertThat(CredentialStore.directory(Map.of("PORTHOLE_CONFIG_DIR", "/tmp/p", "XDG_CONFIG_HOME", "/x"), home))
                .isEqualTo(Path.of("/tmp/p"));
        assertThat(CredentialStore.directory(Map.of("XDG_CONFIG_HOME", "/x"), home))
                .isEqualTo(Path.of("/x/porthole"));
        assertThat(CredentialStore.directory(Map.of(), home)).isEqualTo(Path.of("/home/u/.config/porthole"));
    }

    @Test
    void aDamagedFileIsAClearError() throws Exception {
        CredentialStore store = new CredentialStore(dir);
        Files.writeString(store.file(), "{not json");
        org.assertj.core.api.Assertions.assertThatThrownBy(store::load)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("run 'porthole login' again");
    }
}
