package dev.porthole.agent.cli;

import dev.porthole.agent.login.CredentialStore;
import dev.porthole.agent.login.SavedLogin;
import dev.porthole.agent.tunnel.AgentExit;
import dev.porthole.agent.tunnel.AgentSettings;
import dev.porthole.agent.tunnel.GatewayTrust;
import io.vertx.core.Vertx;
import jakarta.inject.Inject;
import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code porthole login --server URL}: asks for a token (or, with {@code --client-id}, the client
 * secret) without echoing it, and saves it for later commands in the user's config directory,
 * readable by the owner only. Without a terminal it reads one line from standard input, so
 * {@code porthole login --server URL < token.txt} works in scripts.
 */
@Command(
        name = "login",
        mixinStandardHelpOptions = true,
        description = {
            "Save a token or client credentials for a gateway.",
            "Later commands use them when no --token, --credentials, TOKEN or CREDENTIALS",
            "is given. They are checked with a handshake first: what the gateway refuses",
            "is not saved (exit code 3). --ca and --pin are saved with them;",
            "--insecure is not: give it each time.",
            "Stored, readable by you only, in the first of: $PORTHOLE_CONFIG_DIR,",
            "$XDG_CONFIG_HOME/porthole, ~/.config/porthole."
        })
public class LoginCommand implements Callable<Integer> {

    @Option(
            names = {"-s", "--server"},
            paramLabel = "URL",
            defaultValue = "${env:SERVER}",
            description = "The gateway the credentials are for (env SERVER); they are sent to no other.")
    String server;

    @Option(
            names = "--client-id",
            paramLabel = "ID",
            description = "Save client credentials for this client id (asks for its secret) instead of a token.")
    String clientId;

    @Option(
            names = "--no-check",
            description =
                    "Save without first checking the credentials with a handshake (the gateway is not up yet, say).")
    boolean noCheck;

    @Mixin
    TrustOptions trust = new TrustOptions();

    @Inject
    Vertx vertx;

    @Override
    public Integer call() {
        if (server == null || server.isBlank()) {
            AgentRunner.fatal(
                    "say which gateway the credentials are for: porthole login --server https://gateway.example.com");
            return AgentExit.CONFIG_ERROR;
        }
        ConnectionOptions check = new ConnectionOptions();
        check.server = server;
        try {
            GatewayTrust.SYSTEM
                    .warnings(check.serverUri())
                    .forEach(warning -> System.err.println("porthole: warning: " + warning));
        } catch (IllegalArgumentException e) {
            AgentRunner.fatal(e.getMessage());
            return AgentExit.CONFIG_ERROR;
        }
        boolean credentials = clientId != null && !clientId.isBlank();
        String secret = readHidden(credentials ? "Client secret for " + clientId.trim() + ": " : "Token: ");
        if (secret == null || secret.isBlank()) {
            AgentRunner.fatal("nothing was entered; nothing saved");
            return AgentExit.CONFIG_ERROR;
        }
        SavedLogin login = (credentials
                        ? SavedLogin.clientCredentials(server.trim(), clientId.trim(), secret.trim())
                        : SavedLogin.token(server.trim(), secret.trim()))
                .withTrust(trust.savedCaFile(), trust.pins);
        if (!noCheck) {
            if (credentials) {
                check.credentials = clientId.trim() + ":" + secret.trim();
            } else {
                check.token = secret.trim();
            }
            Integer refused = refusal(check.serverUri(), check.authorization(), check.clientIdHeader());
            if (refused != null) {
                return refused;
            }
        }
        CredentialStore store = CredentialStore.forUser();
        try {
            store.save(login);
        } catch (UncheckedIOException e) {
            AgentRunner.fatal(e.getMessage());
            return AgentExit.CONFIG_ERROR;
        }
        System.err.println("saved " + (credentials ? "client credentials" : "the token")
                + (login.caFile() != null || login.pins() != null
                        ? " and how to check the gateway's certificate (--ca, --pin)"
                        : "")
                + " for " + server.trim() + " in " + store.file()
                + " (readable by you only)");
        return AgentExit.NORMAL;
    }

    /** Null when the gateway takes the credentials in a handshake; else the exit code, after saying why nothing was saved. */
    private Integer refusal(URI gateway, String authorization, String clientIdHeader) {
        AgentSettings settings;
        try {
            settings = AgentSettings.of(gateway, "login-" + UUID.randomUUID(), draft -> {
                draft.authorization = authorization;
                draft.clientId = clientIdHeader;
                draft.upstreamTimeout = Duration.ofSeconds(5);
                draft.maxUpstreamConnections = 1;
                draft.maxReconnectDelay = Duration.ofSeconds(2);
                draft.maxAttempts = 1;
                draft.trust = trust.trust();
            });
        } catch (IllegalArgumentException e) {
            AgentRunner.fatal(e.getMessage());
            return AgentExit.CONFIG_ERROR;
        }
        GatewayHandshake.Outcome handshake = GatewayHandshake.run(vertx, settings, AgentVersion.current());
        if (handshake.succeeded()) {
            return null;
        }
        AgentExit failure = handshake.failure();
        if (failure.code() == AgentExit.NORMAL) {
            return AgentExit.NORMAL;
        }
        AgentRunner.fatal(failure.message()
                + (failure.code() == AgentExit.AUTH_FAILED ? "" : "; to save anyway: --no-check") + "; nothing saved");
        return failure.code();
    }

    private static String readHidden(String prompt) {
        Console console = System.console();
        if (console != null && console.isTerminal()) {
            char[] typed = console.readPassword("%s", prompt);
            return typed == null ? null : new String(typed);
        }
        try {
            return new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read standard input", e);
        }
    }
}
