package dev.porthole.gateway.auth;

import dev.porthole.gateway.config.GatewayConfig;
import dev.porthole.protocol.auth.AgentCredentials;
import dev.porthole.protocol.auth.AuthMethod;
import dev.porthole.protocol.auth.Grants;
import dev.porthole.protocol.auth.Principal;
import io.vertx.core.Future;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;

/**
 * Authenticates against the static tokens in the gateway's configuration. With no token
 * configured the gateway is public: anyone may connect and gets random names only.
 */

public class StaticTokenAuthenticator implements AgentAuthenticator {

    private static final String BEARER = "Bearer ";

    private final List<byte[]> tokenDigests;

    public StaticTokenAuthenticator(GatewayConfig config) {
        this.tokenDigests = config.auth().tokens().orElse(List.of()).stream().map(StaticTokenAuthenticator::sha256).toList();
    }

    @Override
    public Future<Principal> authenticate(AgentCredentials credentials) {
        if (tokenDigests.isEmpty()) {
            return Future.succeededFuture(new Principal("public-" + credentials.agentId(), AuthMethod.PUBLIC, Grants.publicSession(), 0, null));
        }
        String header = credentials.authorization();
        if (header == null || header.isBlank()) {
            return Future.failedFuture(new AgentRejectedException(401, "this gateway needs a token: pass --token or set TOKEN"));
        }
        if (!header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return Future.failedFuture(new AgentRejectedException(401, "unsupported credentials: this gateway accepts 'Authorization: Bearer <token>'"));
        }
        byte[] presented = sha256(header.substring(BEARER.length()).trim());
        // Compare against every token, digest to digest, so that timing reveals nothing.
        int match = -1;
        for (int i = 0; i < tokenDigests.size(); i++) {
            if (MessageDigest.isEqual(tokenDigests.get(i), presented)) {
                match = i;
            }
        }
        if (match < 0) {
            return Future.failedFuture(new AgentRejectedException(401, "the token was not accepted; check --token or TOKEN"));
        }
        return Future.succeededFuture(new Principal("token-" + (match + 1), AuthMethod.STATIC_TOKEN, Grants.unrestricted(), 0, null));
    }

    private static byte[] sha256(String value) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }
}
