package dev.porthole.gateway.policy;

import dev.porthole.protocol.message.TunnelPolicy;
import io.quarkus.elytron.security.common.BcryptUtil;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.spec.InvalidKeySpecException;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.wildfly.security.password.Password;
import org.wildfly.security.password.interfaces.BCryptPassword;
import org.wildfly.security.password.util.ModularCrypt;

/**
 * The basic-auth rule: the visitor's {@code Authorization: Basic} must name one of the policy's
 * users with the password whose bcrypt hash the agent sent (the password itself never leaves the
 * agent). Verification recomputes the hash with its salt and cost (WildFly Elytron, as auth-service
 * does) and compares in constant time; an unknown user is checked against a dummy hash of the same
 * cost, so that it takes as long. bcrypt is slow on purpose, so an answer is remembered for the
 * credentials as presented, keyed by an HMAC under a key of this process (never the password), at
 * most {@link #REMEMBERED} of them: a visitor's next request costs a map lookup, not a bcrypt.
 */
final class BasicAuthRule {

    /** Costs above this would let an agent make the gateway spend seconds per wrong password. */
    static final int MAX_COST = 12;

    static final int MIN_COST = 4;
    static final int REMEMBERED = 1024;

    private final Map<String, String> hashes;
    private final String dummyHash;
    private final byte[] cacheKey = new byte[32];
    private final Map<String, Optional<String>> remembered = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Optional<String>> eldest) {
            return size() > REMEMBERED;
        }
    };

    private BasicAuthRule(Map<String, String> hashes, int cost) {
        this.hashes = hashes;
        this.dummyHash = BcryptUtil.bcryptHash("porthole-dummy-password-for-unknown-users", cost);
        new SecureRandom().nextBytes(cacheKey);
    }

    /** The rule, or null without users; each bad user is added to {@code problems} (the hash itself is never quoted). */
    static BasicAuthRule of(List<TunnelPolicy.BasicAuthUser> users, List<String> problems) {
        if (users.isEmpty()) {
            return null;
        }
        Map<String, String> hashes = new HashMap<>();
        int cost = MIN_COST;
        for (TunnelPolicy.BasicAuthUser user : users) {
            if (user.user().isEmpty()
                    || user.user().contains(":")
                    || user.user().chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
                problems.add(
                        "basic-auth user '" + user.user() + "' must be non-empty, without ':' or control characters");
                continue;
            }
            int userCost = cost(user.passwordHash());
            if (userCost < 0) {
                problems.add("basic-auth user '" + user.user()
                        + "': the password hash is not a bcrypt hash with a cost from " + MIN_COST + " to " + MAX_COST
                        + " (the agent hashes the password it is given)");
                continue;
            }
            if (hashes.putIfAbsent(user.user(), user.passwordHash()) != null) {
                problems.add("basic-auth user '" + user.user() + "' is given twice");
            }
            cost = Math.max(cost, userCost);
        }
        return problems.isEmpty() ? new BasicAuthRule(Map.copyOf(hashes), cost) : null;
    }

    /** The bcrypt cost of a hash, or -1 when it is none or its cost is out of range. */
    static int cost(String hash) {
        try {
            Password decoded = ModularCrypt.decode(hash);
            if (decoded instanceof BCryptPassword bcrypt
                    && bcrypt.getIterationCount() >= MIN_COST
                    && bcrypt.getIterationCount() <= MAX_COST) {
                return bcrypt.getIterationCount();
            }
        } catch (InvalidKeySpecException | RuntimeException e) {
            // Not a hash: refused below.
        }
        return -1;
    }

    /** The answer remembered for this {@code Authorization} value: the user, an empty user (refused), or null (not known yet). */
    Optional<String> remembered(String authorization) {
        synchronized (remembered) {
            return remembered.get(cacheKey(authorization));
        }
    }

    /** Checks the credentials (slow: bcrypt; off the event loop) and remembers the answer: the user, or empty. */
    Optional<String> verify(String authorization) {
        Optional<String> user = check(authorization);
        synchronized (remembered) {
            remembered.put(cacheKey(authorization), user);
        }
        return user;
    }

    /** {@code Basic <base64 of user:password>}; anything else is no credentials. */
    static Optional<String[]> credentials(String authorization) {
        if (authorization == null
                || authorization.length() < 6
                || !authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            return Optional.empty();
        }
        try {
            String decoded = new String(
                    Base64.getDecoder().decode(authorization.substring(6).trim()), StandardCharsets.UTF_8);
            int colon = decoded.indexOf(':');
            return colon < 0
                    ? Optional.empty()
                    : Optional.of(new String[] {decoded.substring(0, colon), decoded.substring(colon + 1)});
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private Optional<String> check(String authorization) {
        Optional<String[]> credentials = credentials(authorization);
        String user = credentials.map(c -> c[0]).orElse("");
        String password = credentials.map(c -> c[1]).orElse("");
        String stored = hashes.get(user);
        boolean known = stored != null;
        String hash = known ? stored : dummyHash;
        try {
            BCryptPassword bcrypt = (BCryptPassword) ModularCrypt.decode(hash);
            String recomputed = BcryptUtil.bcryptHash(password, bcrypt.getIterationCount(), bcrypt.getSalt());
            boolean equal = MessageDigest.isEqual(
                    recomputed.getBytes(StandardCharsets.US_ASCII), hash.getBytes(StandardCharsets.US_ASCII));
            return known && equal && credentials.isPresent() ? Optional.of(user) : Optional.empty();
        } catch (InvalidKeySpecException e) {
            return Optional.empty();
        }
    }

    private String cacheKey(String authorization) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(cacheKey, "HmacSHA256"));
            return HexFormat.of()
                    .formatHex(mac.doFinal(String.valueOf(authorization).getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is missing from this JVM", e);
        }
    }
}
