package dev.porthole.auth.service;

import dev.porthole.auth.config.AuthConfig;
import dev.porthole.auth.jwt.SigningKey;
import dev.porthole.auth.repository.ClientRecord;
import dev.porthole.auth.repository.ClientRepository;
import dev.porthole.auth.repository.SessionRepository;
import dev.porthole.auth.repository.SigningKeyRepository;
import dev.porthole.auth.repository.TokenRecord;
import dev.porthole.auth.repository.TokenRepository;
import dev.porthole.protocol.auth.Principal;
import dev.porthole.protocol.auth.SessionCheck;
import dev.porthole.protocol.auth.SessionStanding;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Decides again, from what Redis holds now, whether live sessions may go on and with which grants.
 * Gateways ask after every (re)subscription to the control channel, so that a revoke, disable, kick
 * or grant change whose broadcast they missed still reaches the sessions, and after a client's
 * grants changed, to take from them what is no longer granted.
 */
@ApplicationScoped
public class SessionStandings {

    /** Most sessions one request may ask about; a gateway asks in batches of this size. */
    public static final int MAX_PER_REQUEST = 1_000;

    private final ClientRepository clients;
    private final TokenRepository tokens;
    private final SigningKeyRepository signingKeys;
    private final SessionRepository sessions;
    private final List<String> staticTokens;

    public SessionStandings(
            ClientRepository clients,
            TokenRepository tokens,
            SigningKeyRepository signingKeys,
            SessionRepository sessions,
            AuthConfig config) {
        this.clients = clients;
        this.tokens = tokens;
        this.signingKeys = signingKeys;
        this.sessions = sessions;
        this.staticTokens = config.staticTokens().orElse(List.of());
    }

    public List<SessionStanding> check(List<SessionCheck> checks) {
        return checks.stream().map(this::check).toList();
    }

    private SessionStanding check(SessionCheck check) {
        if (sessions.wasKicked(check.sessionId())) {
            return SessionStanding.kicked(check.sessionId());
        }
        Principal principal = check.principal();
        return switch (principal.method()) {
            // Public sessions hold no credential and no client record; their grants never change.
            case PUBLIC -> SessionStanding.valid(check.sessionId(), principal);
            // A configured token's principal is named after it (client id = credential id = static-<hash>);
            // a client of the admin API may be called static-x too.
            case STATIC_TOKEN ->
                principal.clientId().startsWith("static-")
                                && principal.clientId().equals(principal.credentialId())
                        ? configuredToken(check)
                        : issuedToken(check);
            case CLIENT_CREDENTIALS ->
                withClient(
                        check,
                        client -> client.secretId() != null && client.secretId().equals(principal.credentialId())
                                ? null
                                : "the client secret this agent used was rotated; use the new one");
            case JWT -> withClient(check, client -> jwtProblem(principal));
        };
    }

    private SessionStanding configuredToken(SessionCheck check) {
        boolean stillConfigured = staticTokens.stream()
                .anyMatch(token -> AgentAuthentication.configuredTokenId(token)
                        .equals(check.principal().clientId()));
        return stillConfigured
                ? SessionStanding.valid(check.sessionId(), check.principal())
                : SessionStanding.revoked(
                        check.sessionId(), "the token this agent used is no longer configured; get a new one");
    }

    private SessionStanding issuedToken(SessionCheck check) {
        String credentialId = check.principal().credentialId();
        Optional<TokenRecord> token = credentialId == null
                ? Optional.empty()
                : tokens.find(credentialId)
                        .filter(t -> t.kind() == TokenRecord.TokenKind.STATIC
                                && t.clientId().equals(check.principal().clientId()));
        if (token.isEmpty()) {
            return SessionStanding.revoked(
                    check.sessionId(), "the credential this agent used was revoked; get a new one");
        }
        return withClient(check, client -> null);
    }

    private String jwtProblem(Principal principal) {
        if (principal.credentialId() != null && tokens.isJwtRevoked(principal.credentialId())) {
            return "the credential this agent used was revoked; get a new one";
        }
        String kid = principal.signingKeyId();
        boolean known = kid != null
                && (signingKeys
                                .current()
                                .map(SigningKey::kid)
                                .filter(kid::equals)
                                .isPresent()
                        || signingKeys
                                .previous()
                                .map(SigningKey::kid)
                                .filter(kid::equals)
                                .isPresent());
        return known ? null : "the secret that signed this agent's token was retired; get a new token";
    }

    /** The session stands with the client's grants of now, unless the client is gone or disabled or {@code problem} names a reason. */
    private SessionStanding withClient(SessionCheck check, Function<ClientRecord, String> problem) {
        Principal principal = check.principal();
        Optional<ClientRecord> client = clients.find(principal.clientId());
        if (client.isEmpty()) {
            return SessionStanding.revoked(
                    check.sessionId(), "client '" + principal.clientId() + "' was deleted by an administrator");
        }
        if (!client.get().enabled()) {
            return SessionStanding.revoked(
                    check.sessionId(), "client '" + principal.clientId() + "' was disabled by an administrator");
        }
        String refusal = problem.apply(client.get());
        if (refusal != null) {
            return SessionStanding.revoked(check.sessionId(), refusal);
        }
        return SessionStanding.valid(
                check.sessionId(),
                new Principal(
                        principal.clientId(),
                        principal.method(),
                        client.get().grants(),
                        principal.sessionLifetimeSeconds(),
                        principal.credentialId(),
                        principal.sessionWarningSeconds(),
                        principal.signingKeyId()));
    }
}
