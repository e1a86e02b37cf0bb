package dev.porthole.agent.demo;

import io.vertx.core.buffer.Buffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.SplittableRandom;

/**
 * The bytes {@code /bytes/<n>} serves: 64 KiB blocks, each from its own seeded generator, so that
 * a lost, repeated or reordered block changes the digest.
 */
public final class DemoBytes {

    static final int BLOCK = 64 * 1024;

    private DemoBytes() {}

    /** Block {@code index}, cut to {@code length} bytes. */
    static Buffer block(long index, int length) {
        byte[] bytes = new byte[length];
        SplittableRandom random = new SplittableRandom(0x9E3779B97F4A7C15L ^ index);
        for (int i = 0; i < length; i += 8) {
            long value = random.nextLong();
            for (int j = 0; j < 8 && i + j < length; j++) {
                bytes[i + j] = (byte) (value >>> (8 * j));
            }
        }
        return Buffer.buffer(bytes);
    }

    /** SHA-256 (hex) of the first {@code total} bytes of the sequence. */
    static String sha256(long total) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            for (long index = 0, done = 0; done < total; index++) {
                int length = (int) Math.min(BLOCK, total - done);
                digest.update(block(index, length).getBytes());
                done += length;
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
