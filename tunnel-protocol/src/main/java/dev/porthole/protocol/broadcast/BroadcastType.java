package dev.porthole.protocol.broadcast;

import java.util.Optional;

/** The wire name of every control broadcast and the record that carries it. */
public enum BroadcastType {
    CLIENT_DISABLED("client.disabled", ControlBroadcast.ClientDisabled.class),
    CLIENT_DELETED("client.deleted", ControlBroadcast.ClientDeleted.class),
    CLIENT_GRANTS_CHANGED("client.grants-changed", ControlBroadcast.ClientGrantsChanged.class),
    CREDENTIAL_REVOKED("credential.revoked", ControlBroadcast.CredentialRevoked.class),
    SESSION_KICKED("session.kicked", ControlBroadcast.SessionKicked.class),
    SIGNING_KEY_RETIRED("signing-key.retired", ControlBroadcast.SigningKeyRetired.class);

    private final String wireName;
    private final Class<? extends ControlBroadcast> recordType;

    BroadcastType(String wireName, Class<? extends ControlBroadcast> recordType) {
        this.wireName = wireName;
        this.recordType = recordType;
    }

    /** The value of the {@code type} field, for example {@code client.disabled}. */
    public String wireName() {
        return wireName;
    }

    public Class<? extends ControlBroadcast> recordType() {
        return recordType;
    }

    /** The type of a broadcast record. */
    public static BroadcastType of(ControlBroadcast broadcast) {
        for (BroadcastType type : values()) {
            if (type.recordType == broadcast.getClass()) {
                return type;
            }
        }
        throw new IllegalStateException(
                "no BroadcastType for " + broadcast.getClass().getName());
    }

    /** The type with this wire name, if any. */
    public static Optional<BroadcastType> fromWireName(String name) {
        for (BroadcastType type : values()) {
            if (type.wireName.equals(name)) {
                return Optional.of(type);
            }
        }
        return Optional.empty();
    }
}
