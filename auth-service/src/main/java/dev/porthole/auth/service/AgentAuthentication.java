package dev.porthole.auth.service;

import dev.porthole.auth.config.AuthConfig;
import dev.porthole.auth.credential.SecretHasher;
import dev.porthole.auth.credential.TokenDigest;
import dev.porthole.auth.jwt.AgentJwtVerification;
import dev.porthole.auth.jwt.AgentJwtVerifier;
import dev.porthole.auth.jwt.JwtShape;
import dev.porthole.auth.lockout.FailureLedger;
import dev.porthole.auth.metrics.AuthMetrics;
import dev.porthole.auth.repository.ClientRecord;
import dev.porthole.auth.repository.ClientRepository;
import dev.porthole.auth.repository.TokenRecord;
import dev.porthole.auth.repository.TokenRepository;
import dev.porthole.auth.rest.ClientBodies;
import dev.porthole.protocol.auth.AgentCredentials;
import dev.porthole.protocol.auth.AuthMethod;
import dev.porthole.protocol.auth.Grants;
import dev.porthole.protocol.auth.Principal;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Decides who an agent is from what it presented in its handshake: a static token, client
 * credentials, a JWT, or nothing (public mode). Failures are counted and slowed down by the
 * {@link FailureLedger}; their answers never tell whether a client id exists.
 */
@ApplicationScoped
public class AgentAuthentication {

    /** Refusal detail for bad credentials, the same whether or not the client id exists. */
    public static final String BAD_CREDENTIALS =
            "authentication failed: the credentials were not accepted; check the token, or the client id and secret";

    /** Stands for a claimed client id outside the client id charset (it starts with '-', so no client has it). */
    static final String INVALID_CLIENT_ID = "-invalid-";

    private static final Pattern CLIENT_ID = Pattern.compile(ClientBodies.CLIENT_ID);
    private static final Pattern SAFE_AGENT_ID = Pattern.compile("^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$");
    /** Longer claimed ids cannot exist (DNS label) and are not used as counter keys. */
    private static final int MAX_CLIENT_ID_LENGTH = 63;

    private final ClientRepository clients;
    private final TokenRepository tokens;
    private final SecretHasher hasher;
    private final AgentJwtVerifier jwts;
    private final FailureLedger ledger;
    private final AuthMetrics metrics;
    private final AuthConfig config;
    private final List<String> staticTokens;
    private final SecureRandom random = new SecureRandom();

    public AgentAuthentication(
            ClientRepository clients,
            TokenRepository tokens,
            SecretHasher hasher,
            AgentJwtVerifier jwts,
            FailureLedger ledger,
            AuthMetrics metrics,
            AuthConfig config) {
        this.clients = clients;
        this.tokens = tokens;
        this.hasher = hasher;
        this.jwts = jwts;
        this.ledger = ledger;
        this.metrics = metrics;
        this.config = config;
        this.staticTokens = config.staticTokens().orElse(List.of());
    }

    /** The decision for one handshake. */
    public AuthDecision authenticate(AgentCredentials credentials) {
        String address = FailureLedger.countedAddress(credentials.remoteAddress());
        String authorization = credentials.authorization() == null
                ? ""
                : credentials.authorization().trim();
        if (authorization.isEmpty()) {
            return publicSession(credentials, address);
        }
        String headerClientId =
                credentials.clientId() != null && credentials.clientId().length() <= MAX_CLIENT_ID_LENGTH
                        ? credentials.clientId()
                        : null;
        Presented presented = Presented.parse(authorization, headerClientId);
        // What the agent claims is logged, counted and put in events only within the client id charset.
        String claimed = countedClientId(presented.claimedClientId());
        Optional<Duration> locked = ledger.lockedFor(address, claimed);
        if (locked.isPresent()) {
            long seconds = Math.max(1, (locked.get().toMillis() + 999) / 1000);
            ledger.refusedWhileLocked(address, claimed);
            metrics.refused("too-many-failures");
            Log.infof("agent refused: client %s from %s: locked out for %d s", claimed, address, seconds);
            return new AuthDecision.Refused(
                    429,
                    "too-many-failures",
                    "too many failed authentication attempts from this address; try again in " + seconds + " seconds",
                    Duration.ofSeconds(seconds));
        }
        AuthDecision decision = switch (presented) {
            case Presented.Malformed m ->
                refuse(
                        401,
                        "malformed-authorization",
                        "authentication failed: the Authorization header must be 'Bearer <token>' or 'Basic <base64 of clientId:clientSecret>'");
            case Presented.Basic basic -> clientCredentials(basic, credentials.clientId());
            case Presented.Bearer bearer
            when JwtShape.isJwt(bearer.value()) -> jwt(bearer.value(), credentials.clientId());
            case Presented.Bearer bearer -> staticToken(bearer.value());
        };
        switch (decision) {
            case AuthDecision.Granted granted -> {
                metrics.authenticated(granted.principal().method());
                Log.infof(
                        "agent authenticated: client %s by %s from %s",
                        granted.principal().clientId(), granted.principal().method(), address);
            }
            case AuthDecision.Refused refused -> {
                ledger.failed(address, claimed, refused.reason());
                metrics.refused(refused.reason());
                Log.infof("agent refused: client %s from %s: %s", claimed, address, refused.reason());
            }
        }
        return decision;
    }

    /**
     * A claimed client id as it may be logged, counted and published: itself when it has the client id
     * charset (a DNS label), else {@link #INVALID_CLIENT_ID}, which no client can have.
     */
    static String countedClientId(String claimed) {
        return claimed == null || CLIENT_ID.matcher(claimed).matches() ? claimed : INVALID_CLIENT_ID;
    }

    private AuthDecision publicSession(AgentCredentials credentials, String address) {
        if (!config.publicMode().enabled()) {
            ledger.failed(address, null, "public-mode-off");
            metrics.refused("public-mode-off");
            Log.infof("agent refused: public session from %s: public mode is off", address);
            return refuse(
                    403,
                    "public-mode-off",
                    "public mode is switched off on this server; connect with a token or client credentials from an administrator");
        }
        String agentId = credentials.agentId() != null
                        && SAFE_AGENT_ID.matcher(credentials.agentId()).matches()
                ? credentials.agentId()
                : randomId();
        Principal principal = new Principal(
                "public-" + agentId,
                AuthMethod.PUBLIC,
                Grants.publicSession(),
                config.publicMode().sessionLifetime().toSeconds(),
                null,
                config.publicMode().warningLead().toSeconds(),
                null);
        metrics.authenticated(AuthMethod.PUBLIC);
        Log.infof("agent authenticated: client %s by PUBLIC from %s", principal.clientId(), address);
        return new AuthDecision.Granted(principal);
    }

    private AuthDecision clientCredentials(Presented.Basic basic, String headerClientId) {
        Optional<ClientRecord> client = clients.find(basic.clientId());
        // Hash even when the client is unknown, so that the answer takes as long either way.
        boolean matches = hasher.matches(
                basic.secret(), client.map(ClientRecord::secretHash).orElse(null));
        if (!matches || client.isEmpty() || (headerClientId != null && !headerClientId.equals(basic.clientId()))) {
            return refuse(401, "bad-credentials", BAD_CREDENTIALS);
        }
        return granted(client.get(), AuthMethod.CLIENT_CREDENTIALS, client.get().secretId(), null);
    }

    private AuthDecision jwt(String token, String headerClientId) {
        return switch (jwts.verify(token, headerClientId)) {
            case AgentJwtVerification.Invalid invalid -> refuse(401, invalid.reason(), invalid.detail());
            case AgentJwtVerification.Valid valid ->
                clients.find(valid.clientId())
                        .map(client -> granted(client, AuthMethod.JWT, valid.jti(), valid.keyId()))
                        .orElseGet(() -> refuse(401, "unknown-client", BAD_CREDENTIALS));
        };
    }

    private AuthDecision staticToken(String token) {
        for (String configured : staticTokens) {
            if (TokenDigest.sameToken(configured, token)) {
                String id = configuredTokenId(configured);
                return new AuthDecision.Granted(
                        new Principal(id, AuthMethod.STATIC_TOKEN, Grants.unrestricted(), 0, id));
            }
        }
        Optional<TokenRecord> issued = tokens.findStaticByHash(TokenDigest.sha256Hex(token))
                .filter(t -> t.kind() == TokenRecord.TokenKind.STATIC);
        if (issued.isEmpty()) {
            return refuse(401, "bad-credentials", BAD_CREDENTIALS);
        }
        return clients.find(issued.get().clientId())
                .map(client ->
                        granted(client, AuthMethod.STATIC_TOKEN, issued.get().id(), null))
                .orElseGet(() -> refuse(401, "unknown-client", BAD_CREDENTIALS));
    }

    /** The id of a token configured in {@code porthole.auth.static-tokens}: its principal's client and credential id. */
    static String configuredTokenId(String token) {
        return "static-" + TokenDigest.sha256Hex(token).substring(0, 12);
    }

    private static AuthDecision granted(ClientRecord client, AuthMethod method, String credentialId, String keyId) {
        if (!client.enabled()) {
            return refuse(
                    403,
                    "client-disabled",
                    "client '" + client.id() + "' is disabled; ask an administrator to enable it");
        }
        return new AuthDecision.Granted(new Principal(client.id(), method, client.grants(), 0, credentialId, 0, keyId));
    }

    private static AuthDecision.Refused refuse(int status, String reason, String detail) {
        return new AuthDecision.Refused(status, reason, detail, null);
    }

    private String randomId() {
        byte[] bytes = new byte[6];
        random.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    /** What the Authorization header holds. */
    private sealed interface Presented {

        /** The client id the attempt is counted against: Basic's user, else the X-Porthole-Client header. */
        String claimedClientId();

        record Basic(String clientId, String secret) implements Presented {
            @Override
            public String claimedClientId() {
                return clientId;
            }
        }

        record Bearer(String value, String claimedClientId) implements Presented {}

        record Malformed(String claimedClientId) implements Presented {}

        static Presented parse(String authorization, String headerClientId) {
            int space = authorization.indexOf(' ');
            if (space < 0) {
                return new Malformed(headerClientId);
            }
            String scheme = authorization.substring(0, space);
            String value = authorization.substring(space + 1).trim();
            if (scheme.equalsIgnoreCase("Bearer") && !value.isEmpty()) {
                return new Bearer(value, headerClientId);
            }
            if (scheme.equalsIgnoreCase("Basic")) {
                try {
                    String decoded = new String(Base64.getDecoder().decode(value), StandardCharsets.UTF_8);
                    int colon = decoded.indexOf(':');
                    if (colon > 0 && colon <= MAX_CLIENT_ID_LENGTH) {
                        return new Basic(decoded.substring(0, colon), decoded.substring(colon + 1));
                    }
                } catch (IllegalArgumentException e) {
                    return new Malformed(headerClientId);
                }
            }
            return new Malformed(headerClientId);
        }
    }
}
