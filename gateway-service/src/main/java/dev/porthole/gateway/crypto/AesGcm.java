package dev.porthole.gateway.crypto;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * AES-256-GCM with associated data, the one way the gateway encrypts what it hands to others to
 * keep (ACME secrets in Redis, the OIDC cookie in browsers). A sealed value is a fresh random
 * 12-byte nonce followed by the ciphertext and its 128-bit tag; it opens only with the same key and
 * the same associated data, so a value moved to another name or host does not open. Callers choose
 * the encoding and the words of their errors.
 */
public final class AesGcm {

    /** Bytes of the nonce at the start of every sealed value. */
    public static final int NONCE_BYTES = 12;
    /** Bytes of the tag: a sealed value is never shorter than nonce and tag. */
    public static final int TAG_BYTES = 16;

    private final SecretKeySpec key;
    private final SecureRandom random = new SecureRandom();

    /** A cipher for a 32-byte key. */
    public AesGcm(byte[] key) {
        if (key.length != 32) {
            throw new IllegalArgumentException("an AES-256 key has 32 bytes, not " + key.length);
        }
        this.key = new SecretKeySpec(key, "AES");
    }

    /** {@code plain} sealed under {@code associated}, after {@code prefix} (a version byte, or none). */
    public byte[] seal(byte[] prefix, byte[] associated, byte[] plain) {
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BYTES * 8, nonce));
            cipher.updateAAD(associated);
            byte[] sealed = cipher.doFinal(plain);
            return ByteBuffer.allocate(prefix.length + NONCE_BYTES + sealed.length)
                    .put(prefix)
                    .put(nonce)
                    .put(sealed)
                    .array();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available in this JVM: " + e.getMessage(), e);
        }
    }

    /**
     * The plain bytes of what {@link #seal} made, found in {@code bytes} after {@code offset} bytes of
     * prefix.
     *
     * @throws GeneralSecurityException when it is too short, was sealed with another key or other
     *     associated data, or was changed
     */
    public byte[] open(byte[] bytes, int offset, byte[] associated) throws GeneralSecurityException {
        if (bytes.length - offset < NONCE_BYTES + TAG_BYTES) {
            throw new AEADBadTagException("shorter than a nonce and a tag");
        }
        Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
        cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BYTES * 8, bytes, offset, NONCE_BYTES));
        cipher.updateAAD(associated);
        return cipher.doFinal(bytes, offset + NONCE_BYTES, bytes.length - offset - NONCE_BYTES);
    }
}
