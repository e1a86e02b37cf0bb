package dev.porthole.gateway.crypto;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.GeneralSecurityException;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class AesGcmTest {

    private final AesGcm cipher = new AesGcm(new byte[32]);

    @Test
    void aSealedValueOpensWithTheSameKeyAndAssociatedData() throws GeneralSecurityException {
        byte[] sealed = cipher.seal(new byte[] {1}, "acme:account".getBytes(UTF_8), "secret".getBytes(UTF_8));

        assertThat(sealed[0]).isEqualTo((byte) 1);
        assertThat(new String(cipher.open(sealed, 1, "acme:account".getBytes(UTF_8)), UTF_8))
                .isEqualTo("secret");
    }

    @Test
    void aValueMovedUnderOtherAssociatedDataDoesNotOpen() {
        byte[] sealed = cipher.seal(new byte[0], "acme:cert:a.example".getBytes(UTF_8), "key".getBytes(UTF_8));

        assertThatThrownBy(() -> cipher.open(sealed, 0, "acme:cert:b.example".getBytes(UTF_8)))
                .isInstanceOf(GeneralSecurityException.class);
    }

    @Test
    void aChangedByteOrAnotherKeyDoesNotOpen() {
        byte[] sealed = cipher.seal(new byte[0], new byte[0], "key".getBytes(UTF_8));
        byte[] changed = Arrays.copyOf(sealed, sealed.length);
        changed[changed.length - 1] ^= 1;
        byte[] otherKey = new byte[32];
        otherKey[0] = 1;

        assertThatThrownBy(() -> cipher.open(changed, 0, new byte[0])).isInstanceOf(GeneralSecurityException.class);
        assertThatThrownBy(() -> new AesGcm(otherKey).open(sealed, 0, new byte[0]))
                .isInstanceOf(GeneralSecurityException.class);
    }

    @Test
    void aValueShorterThanNonceAndTagIsRefusedBeforeDecrypting() {
        assertThatThrownBy(() -> cipher.open(new byte[AesGcm.NONCE_BYTES + AesGcm.TAG_BYTES - 1], 0, new byte[0]))
                .isInstanceOf(GeneralSecurityException.class)
                .hasMessageContaining("shorter than a nonce and a tag");
    }

    @Test
    void everySealUsesAFreshNonce() {
        byte[] first = cipher.seal(new byte[0], new byte[0], "same".getBytes(UTF_8));
        byte[] second = cipher.seal(new byte[0], new byte[0], "same".getBytes(UTF_8));

        assertThat(Arrays.copyOf(first, AesGcm.NONCE_BYTES)).isNotEqualTo(Arrays.copyOf(second, AesGcm.NONCE_BYTES));
    }

    @Test
    void aKeyOfAnotherLengthIsRefused() {
        assertThatThrownBy(() -> new AesGcm(new byte[16]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("32 bytes");
    }
}
