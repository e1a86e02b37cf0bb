package dev.porthole.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.porthole.agent.login.SavedLogin;
import dev.porthole.agent.tunnel.GatewayTrust;
import java.net.URI;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Flag or environment variable, then porthole.yml, then the saved login, then the default: for the gateway and the credentials. */
class ConnectionPrecedenceTest {

    private static final SavedLogin SAVED = SavedLogin.token("https://saved.example.com", "saved-token");

    @Test
    void theSavedLoginFillsInServerAndTokenWhenNothingElseGivesThem() {
        ConnectionOptions options = new ConnectionOptions();
        options.savedLogin(Optional.of(SAVED));
        assertThat(options.serverUri()).isEqualTo(URI.create("https://saved.example.com"));
        assertThat(options.authorization()).isEqualTo("Bearer saved-token");
    }

    @Test
    void aGivenTokenWinsOverTheSavedOne() {
        ConnectionOptions options = new ConnectionOptions();
        options.token = "from-flag";
        options.savedLogin(Optional.of(SAVED));
        assertThat(options.authorization()).isEqualTo("Bearer from-flag");
    }

    @Test
    void savedCredentialsAreNeverSentToAnotherGateway() {
        ConnectionOptions options = new ConnectionOptions();
        options.server = "http://other.example.com:8080";
        options.savedLogin(Optional.of(SAVED));
        assertThat(options.serverUri()).isEqualTo(URI.create("http://other.example.com:8080"));
        assertThat(options.authorization()).isNull();
    }

    private static final String PIN = "sha256/" + Base64.getEncoder().encodeToString(new byte[32]);

    @Test
    void thePinsSavedAtLoginCheckTheGatewayWhenNoTrustOptionIsGiven() {
        ConnectionOptions options = new ConnectionOptions();
        options.savedLogin(Optional.of(SAVED.withTrust(null, List.of(PIN))));
        assertThat(options.trust().pins()).containsExactly(PIN.substring("sha256/".length()));
    }

    @Test
    void aTrustOptionGivenNowWinsOverTheSavedOnes() {
        ConnectionOptions options = CommandLine.populateCommand(new ConnectionOptions(), "--insecure");
        options.savedLogin(Optional.of(SAVED.withTrust("/etc/porthole/ca.pem", List.of(PIN))));
        assertThat(options.trust().insecure()).isTrue();
        assertThat(options.trust().caFile()).isNull();
        assertThat(options.trust().pins()).isEmpty();
    }

    @Test
    void theSavedTrustIsNotUsedForAnotherGateway() {
        ConnectionOptions options = new ConnectionOptions();
        options.server = "https://other.example.com";
        options.savedLogin(Optional.of(SAVED.withTrust(null, List.of(PIN))));
        assertThat(options.trust()).isEqualTo(GatewayTrust.SYSTEM);
    }

    @Test
    void loginSavesTheCaFileAsAnAbsolutePathAndNeverInsecure() {
        LoginCommand login = CommandLine.populateCommand(
                new LoginCommand(), "--server", "https://gw.example.com", "--ca", "certs/../ca.pem", "--insecure");
        assertThat(login.trust.savedCaFile())
                .isEqualTo(Path.of("ca.pem").toAbsolutePath().toString());
        assertThat(SavedLogin.token("https://gw.example.com", "t")
                        .withTrust(login.trust.savedCaFile(), login.trust.pins)
                        .toString())
                .doesNotContain("insecure");
    }

    @Test
    void theConfigFileServerComesBeforeTheSavedLoginsAndAfterTheFlag() {
        ConnectionOptions fromFile = new ConnectionOptions();
        fromFile.serverFallback("http://file.example.com");
        fromFile.savedLogin(Optional.of(SAVED));
        assertThat(fromFile.serverUri()).isEqualTo(URI.create("http://file.example.com"));

        ConnectionOptions fromFlag = new ConnectionOptions();
        fromFlag.server = "http://flag.example.com";
        fromFlag.serverFallback("http://file.example.com");
        assertThat(fromFlag.serverUri()).isEqualTo(URI.create("http://flag.example.com"));
    }

    @Test
    void haComesFromTheFlagElseFromTheConfigFileElseIsOff() {
        assertThat(CommandLine.populateCommand(new ConnectionOptions(), "--ha").ha())
                .isTrue();
        ConnectionOptions off = CommandLine.populateCommand(new ConnectionOptions(), "--ha=false");
        off.haFallback(true);
        assertThat(off.ha()).as("the flag wins over the file").isFalse();

        ConnectionOptions fromFile = CommandLine.populateCommand(new ConnectionOptions());
        fromFile.haFallback(true);
        assertThat(fromFile.ha()).isTrue();

        ConnectionOptions unsaid = CommandLine.populateCommand(new ConnectionOptions());
        unsaid.haFallback(null);
        assertThat(unsaid.ha()).isFalse();
    }

    @Test
    void savedClientCredentialsBecomeBasicAuthAndTheClientHeader() {
        ConnectionOptions options = new ConnectionOptions();
        options.savedLogin(Optional.of(SavedLogin.clientCredentials("https://saved.example.com/", "alice", "s3cret")));
        assertThat(options.authorization()).isEqualTo("Basic YWxpY2U6czNjcmV0");
        assertThat(options.clientIdHeader()).isEqualTo("alice");
    }

    @Test
    void withNothingAtAllItIsPublicModeOnTheDefaultGateway() {
        ConnectionOptions options = new ConnectionOptions();
        options.savedLogin(Optional.empty());
        assertThat(options.serverUri()).isEqualTo(URI.create(ConnectionOptions.DEFAULT_SERVER));
        assertThat(options.authorization()).isNull();
    }
}
