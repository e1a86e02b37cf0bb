package dev.porthole.gateway.tls.acme;

import io.quarkus.logging.Log;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.shredzone.acme4j.Account;
import org.shredzone.acme4j.AccountBuilder;
import org.shredzone.acme4j.Authorization;
import org.shredzone.acme4j.Order;
import org.shredzone.acme4j.Problem;
import org.shredzone.acme4j.RevocationReason;
import org.shredzone.acme4j.Session;
import org.shredzone.acme4j.Status;
import org.shredzone.acme4j.challenge.Challenge;
import org.shredzone.acme4j.challenge.Dns01Challenge;
import org.shredzone.acme4j.challenge.Http01Challenge;
import org.shredzone.acme4j.connector.HttpConnector;
import org.shredzone.acme4j.connector.NetworkSettings;
import org.shredzone.acme4j.exception.AcmeException;
import org.shredzone.acme4j.exception.AcmeNetworkException;
import org.shredzone.acme4j.provider.AcmeProvider;
import org.shredzone.acme4j.provider.GenericAcmeProvider;

/**
 * Talks RFC 8555 to one CA with acme4j: finds or creates the account, orders a certificate for one
 * name with the HTTP-01 challenge or a wildcard one with DNS-01, revokes. Every call blocks (acme4j polls the CA), so it runs on the
 * ordering threads; a refusal comes back as an {@link AcmeRefused} that says what the CA said.
 */
public final class AcmeClient {

    /** Where the HTTP-01 answers go while a challenge is pending (Redis, so any gateway the CA reaches answers). */
    public interface ChallengeAnswers {
        void put(String token, String keyAuthorization) throws Exception;

        void remove(String token) throws Exception;
    }

    /** A certificate the CA issued: the chain (leaf first) and its key pair. */
    public record Issued(List<X509Certificate> chain, KeyPair key) {}

    private final String directory;
    private final Optional<Path> caFile;
    private final Optional<String> email;
    private final Duration timeout;
    private Session session;
    private Account account;
    private KeyPair accountKeyUsed;

    public AcmeClient(String directory, Optional<Path> caFile, Optional<String> email, Duration timeout) {
        this.directory = directory;
        this.caFile = caFile;
        this.email = email;
        this.timeout = timeout;
    }

    /** Orders a certificate for {@code host} with the account key {@code accountKey}, answering HTTP-01 through {@code answers}. */
    public Issued order(String host, KeyPair accountKey, ChallengeAnswers answers)
            throws AcmeRefused, InterruptedException {
        return order(host, List.of(host), accountKey, authorization -> authorizeHttp(host, authorization, answers));
    }

    /**
     * Orders one certificate for {@code *.<domain>} and {@code <domain>} with the account key {@code accountKey},
     * answering DNS-01 (the only challenge a CA offers for a wildcard) through {@code solver}.
     */
    public Issued orderWildcard(String domain, KeyPair accountKey, DnsChallengeSolver solver)
            throws AcmeRefused, InterruptedException {
        String wildcard = "*." + domain;
        return order(
                wildcard,
                List.of(wildcard, domain),
                accountKey,
                authorization -> authorizeDns(wildcard, authorization, solver));
    }

    /** Answers one authorization's challenge and waits for the CA's verdict. */
    private interface Authorizer {
        void authorize(Authorization authorization) throws AcmeException, AcmeRefused, InterruptedException;
    }

    private Issued order(String host, List<String> domains, KeyPair accountKey, Authorizer authorizer)
            throws AcmeRefused, InterruptedException {
        try {
            Account account = account(accountKey);
            Order order = account.newOrder().domains(domains).create();
            for (Authorization authorization : order.getAuthorizations()) {
                if (authorization.getStatus() != Status.VALID) {
                    authorizer.authorize(authorization);
                }
            }
            if (order.waitUntilReady(timeout) != Status.READY) {
                throw new AcmeRefused(host, "the order did not become ready: " + problem(order.getError()));
            }
            KeyPair domainKey = ecKeyPair("secp256r1");
            order.execute(domainKey);
            if (order.waitForCompletion(timeout) != Status.VALID) {
                throw new AcmeRefused(host, "the CA did not issue the certificate: " + problem(order.getError()));
            }
            return new Issued(order.getCertificate().getCertificateChain(), domainKey);
        } catch (AcmeNetworkException e) {
            throw new AcmeRefused(host, "the CA at " + directory + " cannot be reached (" + e.getMessage() + ")");
        } catch (AcmeException e) {
            throw new AcmeRefused(host, e.getMessage());
        }
    }

    /** Revokes {@code certificate} (superseded: the gateway orders a replacement right after). */
    public void revoke(String host, X509Certificate certificate, KeyPair accountKey) throws AcmeRefused {
        try {
            Account known = account(accountKey);
            org.shredzone.acme4j.Certificate.revoke(
                    session.login(known.getLocation(), accountKey), certificate, RevocationReason.SUPERSEDED);
        } catch (AcmeException e) {
            throw new AcmeRefused(host, "revocation refused: " + e.getMessage());
        }
    }

    private void authorizeHttp(String host, Authorization authorization, ChallengeAnswers answers)
            throws AcmeException, AcmeRefused, InterruptedException {
        Http01Challenge challenge = offered(host, authorization, Http01Challenge.class, "HTTP-01");
        try {
            answers.put(challenge.getToken(), challenge.getAuthorization());
        } catch (InterruptedException e) {
            throw e;
        } catch (Exception e) {
            throw new AcmeRefused(host, "cannot publish the HTTP-01 answer: " + e.getMessage());
        }
        try {
            complete(host, challenge, "the HTTP-01 challenge");
        } finally {
            try {
                answers.remove(challenge.getToken());
            } catch (Exception e) {
                // the answer expires with its own timeout
            }
        }
    }

    private void authorizeDns(String host, Authorization authorization, DnsChallengeSolver solver)
            throws AcmeException, AcmeRefused, InterruptedException {
        Dns01Challenge challenge = offered(host, authorization, Dns01Challenge.class, "DNS-01");
        String record = Dns01Challenge.toRRName(authorization.getIdentifier());
        try {
            solver.publish(record, challenge.getDigest());
        } catch (DnsChallengeSolver.DnsSolverException e) {
            throw new AcmeRefused(host, "cannot publish the DNS-01 TXT record " + record + ": " + e.getMessage());
        }
        try {
            complete(host, challenge, "the DNS-01 challenge for " + record);
        } finally {
            try {
                solver.remove(record, challenge.getDigest());
            } catch (DnsChallengeSolver.DnsSolverException e) {
                Log.warnf(
                        "the DNS-01 TXT record %s is left behind (it answers nothing once the challenge is done): %s",
                        record, e.getMessage());
            }
        }
    }

    /** The challenge of {@code type} ({@code kind}, for the message) the CA offers for the authorization. */
    private static <C extends Challenge> C offered(String host, Authorization authorization, Class<C> type, String kind)
            throws AcmeRefused {
        return authorization
                .findChallenge(type)
                .orElseThrow(() -> new AcmeRefused(
                        host,
                        "the CA offers no " + kind + " challenge for "
                                + authorization.getIdentifier().getDomain()));
    }

    /** Asks the CA to validate {@code challenge} and waits; refused, naming {@code what}, unless it turns valid. */
    private void complete(String host, Challenge challenge, String what)
            throws AcmeException, AcmeRefused, InterruptedException {
        challenge.trigger();
        if (challenge.waitForCompletion(timeout) != Status.VALID) {
            throw new AcmeRefused(host, what + " failed: " + problem(challenge.getError()));
        }
    }

    private synchronized Account account(KeyPair accountKey) throws AcmeException {
        if (session == null) {
            AcmeProvider provider = provider();
            session = provider == null
                    ? new Session(URI.create(directory))
                    : new Session(URI.create(directory), provider);
        }
        if (account == null || !accountKey.equals(accountKeyUsed)) {
            AccountBuilder builder =
                    new AccountBuilder().agreeToTermsOfService().useKeyPair(accountKey);
            email.ifPresent(builder::addEmail);
            account = builder.create(session);
            accountKeyUsed = accountKey;
        }
        return account;
    }

    private AcmeProvider provider() throws AcmeException {
        if (caFile.isEmpty() || directory.startsWith("acme://")) {
            return null;
        }
        SSLContext trusting = trusting(caFile.get());
        return new GenericAcmeProvider() {
            @Override
            protected HttpConnector createHttpConnector(NetworkSettings settings) {
                return new HttpConnector(settings) {
                    @Override
                    public HttpClient.Builder createClientBuilder() {
                        return super.createClientBuilder().sslContext(trusting);
                    }
                };
            }
        };
    }

    private static SSLContext trusting(Path caFile) throws AcmeException {
        try (InputStream in = Files.newInputStream(caFile)) {
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            int i = 0;
            for (Certificate certificate :
                    CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                store.setCertificateEntry("ca-" + i++, certificate);
            }
            if (i == 0) {
                throw new AcmeException("tls.acme.ca-file " + caFile + " holds no PEM certificate");
            }
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(store);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), null);
            return context;
        } catch (IOException | GeneralSecurityException e) {
            throw new AcmeException("tls.acme.ca-file " + caFile + " cannot be read: " + e.getMessage());
        }
    }

    /** A fresh EC key pair from the JDK (acme4j's own helper asks for the BouncyCastle provider, which is not registered). */
    static KeyPair ecKeyPair(String curve) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec(curve));
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK cannot make an EC key on " + curve + ": " + e.getMessage(), e);
        }
    }

    private static String problem(Optional<Problem> problem) {
        return problem.map(p -> p.toString()).orElse("no reason given");
    }

    /** The CA refused or could not be reached; the message names the host and what the CA said. */
    public static final class AcmeRefused extends Exception {
        public AcmeRefused(String host, String detail) {
            super("the ACME CA did not issue a certificate for " + host + ": " + detail, null, false, false);
        }
    }
}
