package dev.porthole.protocol.broadcast;

import dev.porthole.protocol.auth.Principal;
import java.util.Objects;

/**
 * A broadcast that must act now, published by auth-service on the Redis pub/sub channel
 * {@code <prefix>control} (see {@link BroadcastCodec}). Every gateway instance subscribes and closes
 * the sessions that {@link #closes} names within a second of the publish.
 *
 * <p>Adding a broadcast: one record here and one line in {@link BroadcastType}.
 */
public sealed interface ControlBroadcast
        permits ControlBroadcast.ClientDisabled,
                ControlBroadcast.ClientDeleted,
                ControlBroadcast.ClientGrantsChanged,
                ControlBroadcast.CredentialRevoked,
                ControlBroadcast.SessionKicked,
                ControlBroadcast.SigningKeyRetired {

    /** The broadcast's type, which names it on the wire. */
    default BroadcastType type() {
        return BroadcastType.of(this);
    }

    /**
     * Whether a gateway must close the live session {@code sessionId} held by {@code principal}
     * because of this broadcast.
     */
    boolean closes(String sessionId, Principal principal);

    /** An administrator disabled the client: close all its sessions and forget cached answers for it. */
    record ClientDisabled(String clientId) implements ControlBroadcast {
        public ClientDisabled {
            Objects.requireNonNull(clientId, "clientId");
        }

        @Override
        public boolean closes(String sessionId, Principal principal) {
            return clientId.equals(principal.clientId());
        }
    }

    /** An administrator deleted the client: close all its sessions and forget cached answers for it. */
    record ClientDeleted(String clientId) implements ControlBroadcast {
        public ClientDeleted {
            Objects.requireNonNull(clientId, "clientId");
        }

        @Override
        public boolean closes(String sessionId, Principal principal) {
            return clientId.equals(principal.clientId());
        }
    }

    /**
     * The client's grants changed: forget cached answers for it so that the next handshake sees the
     * new grants. Live sessions stay open; the gateway asks auth-service for the grants of now and
     * takes from them what is no longer granted.
     */
    record ClientGrantsChanged(String clientId) implements ControlBroadcast {
        public ClientGrantsChanged {
            Objects.requireNonNull(clientId, "clientId");
        }

        @Override
        public boolean closes(String sessionId, Principal principal) {
            return false;
        }
    }

    /**
     * A credential stopped being valid: an issued static token or JWT was revoked (its id, a JWT's
     * {@code jti}), or a client secret was rotated (the old secret's id). Close the sessions whose
     * {@link Principal#credentialId()} is {@code credentialId} and forget cached answers for it.
     */
    record CredentialRevoked(String clientId, String credentialId) implements ControlBroadcast {
        public CredentialRevoked {
            Objects.requireNonNull(clientId, "clientId");
            Objects.requireNonNull(credentialId, "credentialId");
        }

        @Override
        public boolean closes(String sessionId, Principal principal) {
            return credentialId.equals(principal.credentialId()) && clientId.equals(principal.clientId());
        }
    }

    /**
     * An administrator kicked one session. Only the gateway named by {@code gatewayId} holds it, but
     * matching on the session id alone is enough.
     */
    record SessionKicked(String sessionId, String gatewayId, String clientId) implements ControlBroadcast {
        public SessionKicked {
            Objects.requireNonNull(sessionId, "sessionId");
        }

        @Override
        public boolean closes(String sessionId, Principal principal) {
            return this.sessionId.equals(sessionId);
        }
    }

    /**
     * The previous JWT signing secret was retired: close the sessions whose
     * {@link Principal#signingKeyId()} is {@code keyId} and forget cached answers that came from it.
     */
    record SigningKeyRetired(String keyId) implements ControlBroadcast {
        public SigningKeyRetired {
            Objects.requireNonNull(keyId, "keyId");
        }

        @Override
        public boolean closes(String sessionId, Principal principal) {
            return keyId.equals(principal.signingKeyId());
        }
    }
}
