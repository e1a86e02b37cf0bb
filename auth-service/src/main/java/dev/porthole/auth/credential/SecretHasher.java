package dev.porthole.auth.credential;

import dev.porthole.auth.config.AuthConfig;
import io.quarkus.elytron.security.common.BcryptUtil;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.spec.InvalidKeySpecException;
import org.wildfly.security.password.Password;
import org.wildfly.security.password.interfaces.BCryptPassword;
import org.wildfly.security.password.util.ModularCrypt;

/**
 * Client secrets as salted bcrypt hashes (WildFly Elytron through Quarkus's {@link BcryptUtil}).
 * Verification recomputes the hash with the stored salt and cost and compares in constant time; an
 * unknown client is checked against a dummy hash of the same cost so that it takes as long.
 */
@ApplicationScoped
public class SecretHasher {

    private final int cost;
    private final String dummyHash;

    public SecretHasher(AuthConfig config) {
        this.cost = config.bcryptCost();
        this.dummyHash = BcryptUtil.bcryptHash("porthole-dummy-secret-for-unknown-clients", cost);
    }

    /** A new salted hash, in modular crypt format ({@code $2a$<cost>$...}). */
    public String hash(String secret) {
        return BcryptUtil.bcryptHash(secret, cost);
    }

    /** Whether {@code secret} matches {@code storedHash}; a null hash (unknown client) costs the same and is false. */
    public boolean matches(String secret, String storedHash) {
        boolean known = storedHash != null;
        String hash = known ? storedHash : dummyHash;
        try {
            Password decoded = ModularCrypt.decode(hash);
            if (!(decoded instanceof BCryptPassword bcrypt)) {
                return false;
            }
            String recomputed =
                    BcryptUtil.bcryptHash(secret == null ? "" : secret, bcrypt.getIterationCount(), bcrypt.getSalt());
            boolean equal = MessageDigest.isEqual(
                    recomputed.getBytes(StandardCharsets.US_ASCII), hash.getBytes(StandardCharsets.US_ASCII));
            return known && equal;
        } catch (InvalidKeySpecException e) {
            return false;
        }
    }
}
