package dev.porthole.gateway.tls.acme;

import dev.porthole.gateway.crypto.AesGcm;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.Optional;
import javax.crypto.AEADBadTagException;

/**
 * Encrypts what the gateway keeps in Redis about ACME (the account key, each certificate and its key)
 * with AES-256-GCM, so that a copy of Redis's contents gives away no private key. The Redis key name is
 * bound in as associated data: a value copied under another name does not open.
 */
public final class SealedValues {

    private static final byte VERSION = 1;

    private final AesGcm cipher;

    private SealedValues(AesGcm cipher) {
        this.cipher = cipher;
    }

    /** What is wrong with the configured key, or null when it is a base64 AES-256 key. */
    public static String keyProblem(Optional<String> configured) {
        if (configured.filter(value -> !value.isBlank()).isEmpty()) {
            return "ACME is on (tls.acme.directory-url) but there is no key to encrypt the account key and the certificates in Redis;"
                    + " set PORTHOLE_GATEWAY_TLS_ACME_ENCRYPTION_KEY to 32 random bytes in base64 (openssl rand -base64 32),"
                    + " the same on every gateway of the cluster";
        }
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(configured.get().trim());
        } catch (IllegalArgumentException e) {
            return "not base64 (" + e.getMessage() + "); make one with: openssl rand -base64 32";
        }
        return bytes.length == 32
                ? null
                : "must be 32 bytes (AES-256) in base64, was " + bytes.length
                        + " bytes; make one with: openssl rand -base64 32";
    }

    /** The cipher for a key that {@link #keyProblem} accepted. */
    public static SealedValues of(String base64Key) {
        return new SealedValues(new AesGcm(Base64.getDecoder().decode(base64Key.trim())));
    }

    /** {@code plain} encrypted for the Redis key {@code name}: base64 of version, nonce and ciphertext with its tag. */
    public String seal(String name, String plain) {
        byte[] sealed = cipher.seal(
                new byte[] {VERSION}, name.getBytes(StandardCharsets.UTF_8), plain.getBytes(StandardCharsets.UTF_8));
        return Base64.getEncoder().encodeToString(sealed);
    }

    /**
     * The plain text of a value {@link #seal} made for {@code name}.
     *
     * @throws SealedValueException when it was sealed with another key, for another name, or changed
     */
    public String open(String name, String sealed) throws SealedValueException {
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(sealed);
        } catch (IllegalArgumentException e) {
            throw new SealedValueException(name + " in Redis is not an encrypted value (not base64)");
        }
        if (bytes.length < 1 + AesGcm.NONCE_BYTES + AesGcm.TAG_BYTES || bytes[0] != VERSION) {
            throw new SealedValueException(name + " in Redis is not an encrypted value of a known version");
        }
        try {
            return new String(cipher.open(bytes, 1, name.getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8);
        } catch (AEADBadTagException e) {
            throw new SealedValueException(name
                    + " in Redis does not open with tls.acme.encryption-key (another key, or the value was changed)");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available: " + e.getMessage(), e);
        }
    }

    /** A value in Redis that does not decrypt. */
    public static final class SealedValueException extends Exception {
        SealedValueException(String message) {
            super(message, null, false, false);
        }
    }
}
