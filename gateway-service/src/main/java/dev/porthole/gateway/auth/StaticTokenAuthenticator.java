package dev.porthole.gateway.auth;

import dev.porthole.gateway.config.GatewayConfig;
import dev.porthole.protocol.auth.AgentCredentials;
import dev.porthole.protocol.auth.AuthMethod;
import dev.porthole.protocol.auth.Grants;
import dev.porthole.protocol.auth.Principal;
import dev.porthole.protocol.auth.SessionCheck;
import dev.porthole.protocol.auth.SessionStanding;
import io.vertx.core.Future;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;

/**
 * Authenticates against static tokens: those of the gateway's configuration, replaced as a whole
 * when the configuration file changes. With no token configured the gateway is public: anyone may
 * connect and gets random names only.
 */
public class StaticTokenAuthenticator implements AgentAuthenticator {

    private static final String BEARER = "Bearer ";

    /** A token's digest (tokens themselves are not kept) and who holds it. */
    private record Entry(byte[] digest, Principal principal) {}

    private volatile List<Entry> entries;

    public StaticTokenAuthenticator(GatewayConfig config) {
        this.entries = table(configured(config));
    }

    /** The tokens of {@code porthole.gateway.auth.tokens}, each with every grant, as {@code token-1}, {@code token-2}, ... */
    public static List<StaticCredential> configured(GatewayConfig config) {
        List<String> tokens = config.auth().tokens().orElse(List.of());
        return IntStream.range(0, tokens.size())
                .mapToObj(i -> StaticCredential.of(
                        tokens.get(i),
                        new Principal("token-" + (i + 1), AuthMethod.STATIC_TOKEN, Grants.unrestricted(), 0, null)))
                .toList();
    }

    /**
     * Puts a new table in force at once, for the next handshake.
     *
     * @return the client ids whose token is no longer accepted (their sessions should end)
     */
    public synchronized Set<String> replace(List<StaticCredential> credentials) {
        List<Entry> next = table(credentials);
        Set<String> revoked = new LinkedHashSet<>();
        for (Entry old : entries) {
            if (next.stream().noneMatch(entry -> MessageDigest.isEqual(entry.digest(), old.digest()))) {
                revoked.add(old.principal().clientId());
            }
        }
        entries = next;
        return revoked;
    }

    @Override
    public Future<Principal> authenticate(AgentCredentials credentials) {
        List<Entry> table = entries;
        if (table.isEmpty()) {
            return Future.succeededFuture(new Principal(
                    "public-" + credentials.agentId(), AuthMethod.PUBLIC, Grants.publicSession(), 0, null));
        }
        String header = credentials.authorization();
        if (header == null || header.isBlank()) {
            return Future.failedFuture(
                    new AgentRejectedException(401, "this gateway needs a token: pass --token or set TOKEN"));
        }
        if (!header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return Future.failedFuture(new AgentRejectedException(
                    401, "unsupported credentials: this gateway accepts 'Authorization: Bearer <token>'"));
        }
        byte[] presented =
                StaticCredential.sha256(header.substring(BEARER.length()).trim());
        // Compare against every token, digest to digest, so that timing reveals nothing.
        Principal match = null;
        for (Entry entry : table) {
            if (MessageDigest.isEqual(entry.digest(), presented)) {
                match = entry.principal();
            }
        }
        if (match == null) {
            return Future.failedFuture(
                    new AgentRejectedException(401, "the token was not accepted; check --token or TOKEN"));
        }
        return Future.succeededFuture(match);
    }

    /** Sessions of a token still in the table stand with its grants of now; those of a removed token do not. */
    @Override
    public Future<List<SessionStanding>> recheck(List<SessionCheck> checks) {
        List<Entry> table = entries;
        return Future.succeededFuture(checks.stream()
                .map(check -> {
                    if (check.principal().method() != AuthMethod.STATIC_TOKEN) {
                        return SessionStanding.valid(check.sessionId(), check.principal());
                    }
                    return table.stream()
                            .map(Entry::principal)
                            .filter(p -> p.clientId().equals(check.principal().clientId()))
                            .findFirst()
                            .map(current -> SessionStanding.valid(check.sessionId(), current))
                            .orElseGet(() -> SessionStanding.revoked(
                                    check.sessionId(),
                                    "the token this agent used was removed from the gateway's configuration file"));
                })
                .toList());
    }

    private static List<Entry> table(List<StaticCredential> credentials) {
        List<Entry> table = new ArrayList<>();
        credentials.forEach(credential ->
                table.add(new Entry(HexFormat.of().parseHex(credential.sha256Hex()), credential.principal())));
        return List.copyOf(table);
    }
}
