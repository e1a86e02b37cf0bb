package dev.porthole.gateway.tls.acme;

import dev.porthole.gateway.config.AcmeConfig;
import dev.porthole.gateway.config.Dns01Config;
import dev.porthole.gateway.config.GatewayConfig;
import dev.porthole.gateway.config.GatewayInstance;
import dev.porthole.gateway.control.PublicAddresses;
import dev.porthole.gateway.events.EventPublisher;
import dev.porthole.gateway.registry.RedisKeys;
import dev.porthole.gateway.tls.AcmeHttpChallenges;
import dev.porthole.gateway.tls.HandshakeCertificates;
import dev.porthole.gateway.tls.PemCertificateFiles;
import dev.porthole.gateway.tls.ServedCertificate;
import dev.porthole.gateway.tls.acme.AcmeClient.AcmeRefused;
import dev.porthole.gateway.tls.acme.AcmeMetrics.Outcome;
import dev.porthole.gateway.tls.acme.AcmeStore.AcmeStoreException;
import dev.porthole.protocol.event.PortholeEvent;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.RedisAPI;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.math.BigInteger;
import java.net.URI;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Pattern;

/**
 * Certificates per tunnel name from an ACME CA, on demand (like Caddy's on-demand TLS): the first
 * handshake for {@code <name>.<domain>} without a certificate starts getting one, and is served the
 * fallback file certificate meanwhile (or fails when there is none). Only the domain itself and
 * names held by a live tunnel or reserved for a client are ordered, at most {@code tls.acme.max-orders-per-hour}; the
 * certificates live in Redis (encrypted) for every gateway, one gateway orders each name under a
 * Redis lock, and each is renewed at two thirds of its lifetime. A failed order keeps the old
 * certificate in service and publishes {@code cert.renewal-failed}. With a DNS-01 solver
 * ({@code tls.acme.dns01.solver}) there is one certificate for {@code *.<domain>} and the domain
 * instead, ordered at the first handshake and served for every name, new ones included.
 */
@ApplicationScoped
public class OnDemandCertificates implements HandshakeCertificates, AcmeHttpChallenges {

    /** Names being looked up or ordered at once; handshakes for further names get no certificate until one finishes. */
    static final int MAX_PENDING = 64;

    private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9_-]{1,128}");

    /** The certificate served for a host and the one before it (for a handshake that chose it just before a swap). */
    private record Held(ServedCertificate current, ServedCertificate previous) {}

    private final boolean enabled;
    private final AcmeConfig settings;
    private final CertificateNames names;

    private final DnsChallengeSolver dnsSolver;
    private final Vertx vertx;
    private final EventPublisher events;
    private final String gatewayId;
    private final Clock clock = Clock.systemUTC();
    private final Map<String, Held> held = new ConcurrentHashMap<>();
    private final Set<String> pending = ConcurrentHashMap.newKeySet();
    private final Map<String, Instant> retryNotBefore = new ConcurrentHashMap<>();
    private final ExecutorService ordering = Executors.newVirtualThreadPerTaskExecutor();
    private final AcmeStore store;
    private final AcmeClient client;
    private final Bucket orderTokens;
    private final AcmeMetrics metrics;
    private volatile KeyPair accountKey;
    private long renewTimer = -1;

    public OnDemandCertificates(
            GatewayConfig config,
            RedisAPI redis,
            RedisKeys keys,
            Vertx vertx,
            EventPublisher events,
            GatewayInstance instance,
            MeterRegistry registry) {
        this.settings = config.tls().acme();
        this.enabled = PublicAddresses.acmeOn(config) && SealedValues.keyProblem(settings.encryptionKey()) == null;
        this.vertx = vertx;
        this.events = events;
        this.gatewayId = instance.id();
        int perHour = Math.max(1, settings.maxOrdersPerHour());
        this.orderTokens = Bucket.builder()
                .addLimit(Bandwidth.builder()
                        .capacity(perHour)
                        .refillGreedy(perHour, Duration.ofHours(1))
                        .build())
                .build();
        Dns01Config dns01 = settings.dns01();
        boolean wildcardOn =
                enabled && dns01.solver().isPresent() && dns01.url().isPresent();
        this.names = CertificateNames.of(config.http().domain(), wildcardOn);
        this.dnsSolver = wildcardOn
                ? DnsChallengeSolver.of(
                        dns01.solver().get(), URI.create(dns01.url().get()), settings.orderTimeout())
                : null;
        if (enabled) {
            this.store = new AcmeStore(
                    redis, keys, SealedValues.of(settings.encryptionKey().orElseThrow()), instance.id());
            this.client = new AcmeClient(
                    settings.directoryUrl().orElseThrow(),
                    settings.caFile().map(Path::of),
                    settings.email(),
                    settings.orderTimeout());
            this.metrics = new AcmeMetrics(registry, this::secondsToSoonestExpiry);
        } else {
            this.store = null;
            this.client = null;
            this.metrics = null;
        }
    }

    /** Whether certificates come from ACME ({@code tls.acme.directory-url} and a usable encryption key). */
    public boolean enabled() {
        return enabled;
    }

    /** Starts the renewal checks. */
    public synchronized void start() {
        if (enabled && renewTimer < 0) {
            renewTimer =
                    vertx.setPeriodic(settings.renewCheckInterval().toMillis(), id -> ordering.execute(this::renewDue));
            if (names.wildcard() != null) {
                Log.infof(
                        "ACME wildcard certificate %s from %s over DNS-01 (%s at %s)",
                        names.wildcard(),
                        settings.directoryUrl().orElseThrow(),
                        settings.dns01().solver().orElseThrow().setting(),
                        settings.dns01().url().orElseThrow());
            } else {
                Log.infof(
                        "ACME certificates on demand from %s for <name>%s (names that are claimed or reserved, at most %d orders an hour)",
                        settings.directoryUrl().orElseThrow(), names.domainSuffix(), settings.maxOrdersPerHour());
            }
        }
    }

    @PreDestroy
    synchronized void stop() {
        if (renewTimer >= 0) {
            vertx.cancelTimer(renewTimer);
        }
        ordering.shutdownNow();
    }

    @Override
    public ServedCertificate forHost(String requested) {
        String host = names.certificateFor(requested);
        Held have = held.get(host);
        if (have != null) {
            return have.current();
        }
        if (!enabled || !names.eligible(host)) {
            return null;
        }
        Instant notBefore = retryNotBefore.get(host);
        if (notBefore != null && clock.instant().isBefore(notBefore)) {
            return null;
        }
        if (pending.size() < MAX_PENDING && pending.add(host)) {
            ordering.execute(() -> {
                try {
                    obtain(host);
                } finally {
                    pending.remove(host);
                }
            });
        }
        return null;
    }

    @Override
    public ServedCertificate bySerial(String host, BigInteger serial) {
        Held have = held.get(names.certificateFor(host));
        if (have == null) {
            return null;
        }
        if (have.current().serial().equals(serial)) {
            return have.current();
        }
        return have.previous() != null && have.previous().serial().equals(serial) ? have.previous() : null;
    }

    @Override
    public Future<Optional<String>> keyAuthorization(String token) {
        if (!enabled || !TOKEN.matcher(token).matches()) {
            return Future.succeededFuture(Optional.empty());
        }
        return store.challenge(token);
    }

    /** The certificate served now for {@code host}, if any. */
    public Optional<ServedCertificate> served(String host) {
        return Optional.ofNullable(held.get(names.certificateFor(host.toLowerCase(Locale.ROOT))))
                .map(Held::current);
    }

    /**
     * Revokes the certificate served for {@code host} (a leaked key, say) and orders its replacement at
     * once; blocks until both are done.
     *
     * @throws AcmeRefused when the CA refused the revocation; the new order's failure is reported like any other
     */
    public void revokeAndReplace(String host) throws AcmeRefused, AcmeStoreException, InterruptedException {
        ServedCertificate current = served(host)
                .orElseThrow(() -> new IllegalArgumentException("no ACME certificate is served for " + host));
        String name = names.certificateFor(host.toLowerCase(Locale.ROOT));
        client.revoke(name, current.chain().getFirst(), account());
        Log.infof("ACME certificate for %s revoked; ordering its replacement: %s", name, current.summary());
        order(name, current);
    }

    /** For a host the gateway has no certificate for: the stored one, else an order if the name is claimed or reserved. */
    private void obtain(String host) {
        try {
            Optional<ServedCertificate> stored = store.certificate(host);
            if (stored.isPresent()) {
                install(host, stored.get());
                return;
            }
            String name = names.always(host) ? null : names.tunnelName(host);
            if (name != null && !store.claimedOrReserved(name)) {
                metrics.order(Outcome.NOT_CLAIMED);
                Log.debugf(
                        "no ACME certificate ordered for %s: no tunnel holds '%s' and it is not reserved", host, name);
                return;
            }
            order(host, null);
        } catch (AcmeStoreException e) {
            Log.warnf("cannot look up the ACME certificate for %s: %s", host, e.getMessage());
        } catch (RuntimeException e) {
            Log.errorf(e, "cannot get a certificate for %s", host);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Orders a certificate for {@code host} under the cluster-wide lock; {@code current} is the one served now, or null. */
    private void order(String host, ServedCertificate current) throws InterruptedException {
        try {
            if (!store.lock(host, settings.orderTimeout().multipliedBy(3))) {
                Log.debugf("another gateway orders the certificate for %s; it is taken from Redis when done", host);
                return;
            }
        } catch (AcmeStoreException e) {
            Log.warnf("cannot take the ACME lock for %s: %s", host, e.getMessage());
            return;
        }
        try {
            if (!orderTokens.tryConsume(1)) {
                metrics.order(Outcome.RATE_LIMITED);
                retryNotBefore.put(host, clock.instant().plus(settings.retryAfter()));
                Log.warnf(
                        "no ACME certificate ordered for %s: tls.acme.max-orders-per-hour (%d) reached; trying again in %s",
                        host, settings.maxOrdersPerHour(), settings.retryAfter());
                return;
            }
            AcmeClient.Issued issued = names.isWildcard(host)
                    ? client.orderWildcard(names.apex(), account(), dnsSolver)
                    : client.order(host, account(), httpAnswers());
            store.save(host, issued.chain(), issued.key());
            ServedCertificate served = new ServedCertificate(
                    "acme",
                    "acme",
                    issued.chain(),
                    issued.key().getPrivate(),
                    PemCertificateFiles.names(issued.chain().getFirst()));
            install(host, served);
            retryNotBefore.remove(host);
            metrics.order(Outcome.ISSUED);
            Log.infof("ACME certificate for %s %s: %s", host, current == null ? "issued" : "renewed", served.summary());
        } catch (AcmeRefused | AcmeStoreException e) {
            failed(host, current, e.getMessage());
        } catch (RuntimeException e) {
            Log.errorf(e, "ACME order for %s broke", host);
            failed(host, current, "the ACME order broke: " + e);
        } finally {
            try {
                store.unlock(host);
            } catch (AcmeStoreException e) {
                Log.debugf("cannot give the ACME lock for %s back (it expires): %s", host, e.getMessage());
            }
        }
    }

    /** HTTP-01 answers go to Redis, so that whichever gateway the CA reaches answers. */
    private AcmeClient.ChallengeAnswers httpAnswers() {
        return new AcmeClient.ChallengeAnswers() {
            @Override
            public void put(String token, String keyAuthorization) throws AcmeStoreException {
                store.putChallenge(
                        token, keyAuthorization, settings.orderTimeout().multipliedBy(3));
            }

            @Override
            public void remove(String token) throws AcmeStoreException {
                store.removeChallenge(token);
            }
        };
    }

    private void failed(String host, ServedCertificate current, String detail) {
        metrics.order(Outcome.FAILED);
        retryNotBefore.put(host, clock.instant().plus(settings.retryAfter()));
        String until = current == null ? "none" : current.notAfter().toString();
        Log.errorf(
                "%s; %s; trying again in %s",
                detail,
                current == null
                        ? "no certificate for it is served yet"
                        : "the current one is still served (valid until " + until + ")",
                settings.retryAfter());
        events.publish(new PortholeEvent.CertificateRenewalFailed(gatewayId, host, detail, until));
    }

    private KeyPair account() throws AcmeStoreException {
        KeyPair known = accountKey;
        if (known == null) {
            known = store.account(AcmeClient.ecKeyPair("secp384r1"));
            accountKey = known;
        }
        return known;
    }

    /** Every renewal check: takes renewals other gateways stored, and renews what reached two thirds of its lifetime. */
    private void renewDue() {
        Instant now = clock.instant();
        retryNotBefore.values().removeIf(notBefore -> notBefore.isBefore(now));
        for (String host : held.keySet()) {
            try {
                store.certificate(host)
                        .filter(stored ->
                                !stored.serial().equals(held.get(host).current().serial()))
                        .ifPresent(stored -> install(host, stored));
                ServedCertificate current = held.get(host).current();
                if (dueForRenewal(current, now) && !retryNotBefore.containsKey(host)) {
                    if (names.always(host) || store.claimedOrReserved(names.tunnelName(host))) {
                        order(host, current);
                    } else {
                        // The tunnel is gone: its certificate is served until it expires, then forgotten, never
                        // renewed.
                        held.remove(host);
                        metrics.order(Outcome.NOT_CLAIMED);
                        Log.infof(
                                "ACME certificate for %s not renewed: no tunnel holds the name and it is not reserved",
                                host);
                    }
                }
            } catch (AcmeStoreException e) {
                Log.warnf("cannot look at the ACME certificate for %s in Redis: %s", host, e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    static boolean dueForRenewal(ServedCertificate certificate, Instant now) {
        Instant notBefore = certificate.chain().getFirst().getNotBefore().toInstant();
        Duration lifetime = Duration.between(notBefore, certificate.notAfter());
        return !now.isBefore(notBefore.plus(lifetime.multipliedBy(2).dividedBy(3)));
    }

    private void install(String host, ServedCertificate certificate) {
        held.compute(host, (key, before) -> new Held(certificate, before == null ? null : before.current()));
    }

    private double secondsToSoonestExpiry() {
        Instant now = clock.instant();
        return held.values().stream()
                .mapToDouble(
                        have -> Duration.between(now, have.current().notAfter()).toSeconds())
                .min()
                .orElse(Double.NaN);
    }
}
