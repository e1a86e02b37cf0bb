package dev.porthole.gateway.tls.acme;

import dev.porthole.gateway.registry.RedisKeys;
import dev.porthole.gateway.tls.PemCertificateFiles;
import dev.porthole.gateway.tls.ServedCertificate;
import dev.porthole.gateway.tls.acme.SealedValues.SealedValueException;
import io.vertx.core.Future;
import io.vertx.redis.client.RedisAPI;
import io.vertx.redis.client.Response;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * What the gateways of a cluster share about ACME, in Redis: the account key pair and each
 * certificate with its key (both encrypted, {@link SealedValues}), the lock held by the one gateway
 * that orders or renews a name, and the pending HTTP-01 answers. The blocking calls are for the
 * ordering threads, never the event loop.
 */
public final class AcmeStore {

    private static final Duration REDIS_WAIT = Duration.ofSeconds(5);
    private static final String UNLOCK =
            "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end";
    private static final String PEM_CERTIFICATE = "-----BEGIN CERTIFICATE-----";

    private final RedisAPI redis;
    private final RedisKeys keys;
    private final SealedValues sealed;
    private final String owner;

    /** @param owner written into the locks this gateway holds (its instance id) */
    public AcmeStore(RedisAPI redis, RedisKeys keys, SealedValues sealed, String owner) {
        this.redis = redis;
        this.keys = keys;
        this.sealed = sealed;
        this.owner = owner;
    }

    /** The account key pair all gateways share: the stored one, else {@code fresh} if no other gateway stored one first. */
    public KeyPair account(KeyPair fresh) throws AcmeStoreException {
        String name = keys.acmeAccount();
        await(redis.set(List.of(name, sealed.seal(name, keyPairPem(fresh)), "NX")));
        Response stored = await(redis.get(name));
        try {
            return keyPair(sealed.open(name, stored.toString()));
        } catch (SealedValueException | GeneralSecurityException | IllegalArgumentException e) {
            throw new AcmeStoreException(
                    "the ACME account key in Redis (" + name + ") cannot be read: " + e.getMessage());
        }
    }

    /** The stored certificate for {@code host}, if any. */
    public Optional<ServedCertificate> certificate(String host) throws AcmeStoreException {
        String name = keys.acmeCertificate(host);
        Response stored = await(redis.get(name));
        if (stored == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(decode(name, sealed.open(name, stored.toString())));
        } catch (SealedValueException e) {
            throw new AcmeStoreException(e.getMessage());
        }
    }

    /** Stores the certificate for {@code host}, replacing the one before. */
    public void save(String host, List<X509Certificate> chain, KeyPair key) throws AcmeStoreException {
        String name = keys.acmeCertificate(host);
        await(redis.set(List.of(name, sealed.seal(name, encode(chain, key)))));
    }

    /** Takes the lock for ordering {@code host}'s certificate; false when another gateway holds it. */
    public boolean lock(String host, Duration expiry) throws AcmeStoreException {
        return await(redis.set(List.of(keys.acmeLock(host), owner, "NX", "PX", String.valueOf(expiry.toMillis()))))
                != null;
    }

    /** Gives the lock back if this gateway still holds it. */
    public void unlock(String host) throws AcmeStoreException {
        await(redis.eval(List.of(UNLOCK, "1", keys.acmeLock(host), owner)));
    }

    /** Whether {@code name} is held by a live tunnel or reserved for a client: only those get certificates. */
    public boolean claimedOrReserved(String name) throws AcmeStoreException {
        return await(redis.exists(List.of(keys.httpRoute(name), keys.reservation(name))))
                        .toLong()
                > 0;
    }

    /** Publishes the answer to an HTTP-01 challenge for every gateway, for {@code expiry}. */
    public void putChallenge(String token, String keyAuthorization, Duration expiry) throws AcmeStoreException {
        await(redis.set(List.of(keys.acmeChallenge(token), keyAuthorization, "PX", String.valueOf(expiry.toMillis()))));
    }

    public void removeChallenge(String token) throws AcmeStoreException {
        await(redis.del(List.of(keys.acmeChallenge(token))));
    }

    /** The answer to a pending HTTP-01 challenge; for the event loop. */
    public Future<Optional<String>> challenge(String token) {
        return redis.get(keys.acmeChallenge(token))
                .map(answer -> Optional.ofNullable(answer).map(Response::toString));
    }

    private static String encode(List<X509Certificate> chain, KeyPair key) throws AcmeStoreException {
        StringBuilder pem = new StringBuilder(keyPairPem(key));
        try {
            Base64.Encoder base64 = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII));
            for (X509Certificate certificate : chain) {
                pem.append(PEM_CERTIFICATE)
                        .append('\n')
                        .append(base64.encodeToString(certificate.getEncoded()))
                        .append("\n-----END CERTIFICATE-----\n");
            }
        } catch (CertificateEncodingException e) {
            throw new AcmeStoreException("cannot encode a certificate for Redis: " + e.getMessage());
        }
        return pem.toString();
    }

    private static ServedCertificate decode(String name, String pem) throws AcmeStoreException {
        int chainStart = pem.indexOf(PEM_CERTIFICATE);
        if (chainStart < 0) {
            throw new AcmeStoreException(name + " in Redis holds no certificate");
        }
        try {
            KeyPair key = keyPair(pem.substring(0, chainStart));
            List<X509Certificate> chain = CertificateFactory.getInstance("X.509")
                    .generateCertificates(
                            new ByteArrayInputStream(pem.substring(chainStart).getBytes(StandardCharsets.US_ASCII)))
                    .stream()
                    .map(X509Certificate.class::cast)
                    .toList();
            if (chain.isEmpty()) {
                throw new AcmeStoreException(name + " in Redis holds no certificate");
            }
            return new ServedCertificate(
                    name, name, chain, key.getPrivate(), PemCertificateFiles.names(chain.getFirst()));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new AcmeStoreException(name + " in Redis cannot be read: " + e.getMessage());
        }
    }

    /** The pair as PEM: PKCS#8 private key, then the X.509 public key. */
    private static String keyPairPem(KeyPair pair) {
        Base64.Encoder base64 = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII));
        return "-----BEGIN PRIVATE KEY-----\n"
                + base64.encodeToString(pair.getPrivate().getEncoded()) + "\n-----END PRIVATE KEY-----\n"
                + "-----BEGIN PUBLIC KEY-----\n"
                + base64.encodeToString(pair.getPublic().getEncoded()) + "\n-----END PUBLIC KEY-----\n";
    }

    private static KeyPair keyPair(String pem) throws GeneralSecurityException {
        byte[] privateKey = Base64.getMimeDecoder().decode(between(pem, "PRIVATE KEY"));
        byte[] publicKey = Base64.getMimeDecoder().decode(between(pem, "PUBLIC KEY"));
        GeneralSecurityException last = null;
        for (String algorithm : List.of("EC", "RSA")) {
            try {
                KeyFactory factory = KeyFactory.getInstance(algorithm);
                return new KeyPair(
                        factory.generatePublic(new X509EncodedKeySpec(publicKey)),
                        factory.generatePrivate(new PKCS8EncodedKeySpec(privateKey)));
            } catch (InvalidKeySpecException e) {
                last = e;
            }
        }
        throw last;
    }

    private static String between(String pem, String label) {
        String begin = "-----BEGIN " + label + "-----";
        int start = pem.indexOf(begin);
        int end = pem.indexOf("-----END " + label + "-----");
        if (start < 0 || end < start) {
            throw new IllegalArgumentException("no " + label + " block");
        }
        return pem.substring(start + begin.length(), end);
    }

    private static Response await(Future<Response> call) throws AcmeStoreException {
        try {
            return call.toCompletionStage().toCompletableFuture().get(REDIS_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AcmeStoreException("interrupted while waiting for Redis");
        } catch (ExecutionException e) {
            throw new AcmeStoreException("Redis refused: " + e.getCause().getMessage());
        } catch (TimeoutException e) {
            throw new AcmeStoreException("Redis did not answer within " + REDIS_WAIT.toSeconds() + "s");
        }
    }

    /** Redis could not be reached or holds something unreadable; the message says which. */
    public static final class AcmeStoreException extends Exception {
        AcmeStoreException(String message) {
            super(message, null, false, false);
        }
    }
}
