package dev.porthole.gateway.configfile;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.porthole.gateway.auth.AgentAuthenticator;
import dev.porthole.gateway.auth.StaticCredential;
import dev.porthole.gateway.auth.StaticTokenAuthenticator;
import dev.porthole.gateway.config.GatewayConfig;
import dev.porthole.gateway.config.GatewayInstance;
import dev.porthole.gateway.config.PortRange;
import dev.porthole.gateway.control.AgentSession;
import dev.porthole.gateway.control.LocalSessions;
import dev.porthole.gateway.events.EventPublisher;
import dev.porthole.gateway.limits.LimitPolicy;
import dev.porthole.gateway.limits.LimitSettings;
import dev.porthole.gateway.registry.RedisKeys;
import dev.porthole.protocol.CloseCode;
import dev.porthole.protocol.auth.AuthMethod;
import dev.porthole.protocol.event.PortholeEvent;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.redis.client.RedisAPI;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Keeps the gateway's configuration file in force: reads it at start, looks at it every
 * {@code config-file-check-interval} (by content, so editors that replace the file and Kubernetes'
 * ConfigMap symlink swaps are seen alike), applies a changed file once it reads the same twice,
 * and publishes it on {@code <prefix>config} so that every gateway applies the newest version. A
 * broken file is rejected with one log line per mistake and a {@code config.rejected} event; the
 * settings in force stay.
 */
@ApplicationScoped
public class GatewayFileReload {

    /** Largest configuration file read; a bigger one is rejected. */
    static final int MAX_FILE_BYTES = 256 * 1024;

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Vertx vertx;
    private final RedisAPI redis;
    private final String channel;
    private final LocalSessions sessions;
    private final AgentAuthenticator authenticator;
    private final LimitPolicy limits;
    private final EventPublisher events;
    private final GatewayInstance instance;
    private final GatewayConfig config;
    private final Optional<Path> path;
    private long timer = -1;
    private String appliedDigest;
    private long appliedVersion;
    /** The content of the local file last acted on: only a change of the local file counts, not a difference from a published one. */
    private String localDigest;

    private String pendingDigest;
    private boolean unreadableWarned;

    public GatewayFileReload(
            Vertx vertx,
            RedisAPI redis,
            RedisKeys keys,
            LocalSessions sessions,
            AgentAuthenticator authenticator,
            LimitPolicy limits,
            EventPublisher events,
            GatewayInstance instance,
            GatewayConfig config) {
        this.vertx = vertx;
        this.redis = redis;
        this.channel = keys.config();
        this.sessions = sessions;
        this.authenticator = authenticator;
        this.limits = limits;
        this.events = events;
        this.instance = instance;
        this.config = config;
        this.path = config.configFile().filter(p -> !p.isBlank()).map(Path::of);
    }

    /** A file published by one gateway for the others. */
    record Published(long version, String gateway, String digest, String source, String content) {}

    // Before the public listener opens, so that agents meet the file's tokens from the first handshake.
    void start(@Observes @Priority(1) StartupEvent startup) {
        if (path.isEmpty()) {
            return;
        }
        Path file = path.get();
        String text;
        long modified;
        try {
            text = read(file);
            modified = Files.getLastModifiedTime(file).toMillis();
        } catch (IOException | IllegalArgumentException e) {
            throw new IllegalStateException(
                    "porthole.gateway.config-file: cannot read " + file + ": " + e.getMessage(), e);
        }
        try {
            localDigest = digest(text);
            load(text, localDigest, modified, name(), true, false);
        } catch (GatewayFileException e) {
            e.problems().forEach(problem -> Log.error("invalid configuration file: " + problem));
            throw new IllegalStateException(
                    "invalid configuration file " + file + ":\n  " + String.join("\n  ", e.problems()), null);
        }
        timer = vertx.setPeriodic(config.configFileCheckInterval().toMillis(), id -> check());
        Log.infof(
                "configuration file %s in force; watching it every %d ms",
                file, config.configFileCheckInterval().toMillis());
    }

    void stop(@Observes ShutdownEvent shutdown) {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
    }

    /** Whether this gateway watches a configuration file. */
    public boolean enabled() {
        return path.isPresent();
    }

    /** Applies a file another gateway published, when it is newer than the one in force here. */
    public void applyPublished(String payload) {
        Published published;
        try {
            published = JSON.readValue(payload, Published.class);
        } catch (JsonProcessingException e) {
            Log.warnf("ignoring a malformed message on %s: %s", channel, e.getOriginalMessage());
            return;
        }
        if (published.content() == null
                || published.digest() == null
                || Objects.equals(published.gateway(), instance.id())) {
            return;
        }
        synchronized (this) {
            if (published.digest().equals(appliedDigest) || published.version() <= appliedVersion) {
                return;
            }
        }
        try {
            load(
                    published.content(),
                    published.digest(),
                    published.version(),
                    published.source() + " (from gateway " + published.gateway() + ")",
                    false,
                    false);
        } catch (GatewayFileException e) {
            reject(e);
        }
    }

    private void check() {
        vertx.fileSystem().readFile(path.get().toString()).onComplete(read -> {
            if (read.failed()) {
                if (!unreadableWarned) {
                    unreadableWarned = true;
                    Log.warnf(
                            "cannot read the configuration file %s (%s); the settings in force stay",
                            path.get(), read.cause().getMessage());
                }
                return;
            }
            unreadableWarned = false;
            Buffer bytes = read.result();
            if (bytes.length() > MAX_FILE_BYTES) {
                String digest = digest(bytes.toString(StandardCharsets.UTF_8));
                synchronized (this) {
                    if (digest.equals(localDigest)) {
                        return;
                    }
                    localDigest = digest;
                }
                reject(new GatewayFileException(
                        List.of(name() + ": " + bytes.length() + " bytes; at most " + MAX_FILE_BYTES + " are read")));
                return;
            }
            onContent(bytes.toString(StandardCharsets.UTF_8));
        });
    }

    /** Debounce: a change counts once the file reads the same on two checks in a row (an editor may be halfway through writing it). */
    private synchronized void onContent(String text) {
        String digest = digest(text);
        if (digest.equals(localDigest)) {
            pendingDigest = null;
            return;
        }
        if (!digest.equals(pendingDigest)) {
            pendingDigest = digest;
            return;
        }
        pendingDigest = null;
        localDigest = digest;
        try {
            load(text, digest, Math.max(System.currentTimeMillis(), appliedVersion + 1), name(), false, true);
        } catch (GatewayFileException e) {
            reject(e);
        }
    }

    private synchronized void load(
            String text, String digest, long version, String source, boolean initial, boolean publish)
            throws GatewayFileException {
        GatewayFile file = GatewayFileParser.parse(name(), text, LimitSettings.from(config.limits()));
        if (file.credentials().isPresent() && !(authenticator instanceof StaticTokenAuthenticator)) {
            throw new GatewayFileException(
                    List.of(
                            name() + ": tokens/clients: this gateway asks auth-service about agents"
                                    + " (porthole.gateway.auth.service-url); manage tokens and clients there, or remove these keys"));
        }
        String changes = apply(file);
        appliedDigest = digest;
        appliedVersion = version;
        if (initial) {
            return;
        }
        Log.infof("configuration from %s in force: %s", source, changes);
        events.publish(new PortholeEvent.ConfigReloaded(instance.id(), source, digest.substring(0, 12), changes));
        if (publish) {
            String payload;
            try {
                // Hashes, never tokens, on the channel: every subscriber of Redis would read them.
                payload = JSON.writeValueAsString(
                        new Published(version, instance.id(), digest, source, PublishedContent.withTokenHashes(text)));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("cannot encode the configuration file for " + channel, e);
            }
            redis.publish(channel, payload)
                    .onFailure(e -> Log.warnf(
                            "could not publish the configuration file on %s (%s);"
                                    + " other gateways keep theirs until their own file changes",
                            channel, e.getMessage()));
        }
    }

    /** Puts the file's settings in force; returns a sentence on what it did. */
    private String apply(GatewayFile file) {
        List<String> changes = new ArrayList<>();
        restartOnly(changes, "domain", file.domain(), config.http().domain());
        restartOnly(changes, "ports.http", file.httpPort(), config.http().port());
        restartOnly(
                changes,
                "ports.tcp-range",
                file.tcpPortRange().map(PortRange::parse),
                config.tcp().portRange());
        if (authenticator instanceof StaticTokenAuthenticator tokens) {
            List<StaticCredential> credentials =
                    file.credentials().orElseGet(() -> StaticTokenAuthenticator.configured(config));
            Set<String> revoked = tokens.replace(credentials);
            int closed = closeSessionsOf(revoked);
            changes.add(credentials.size() + " token(s) accepted"
                    + (revoked.isEmpty() ? "" : ", " + revoked.size() + " removed (" + closed + " session(s) closed)"));
        }
        if (!file.limits().equals(limits.current())) {
            limits.apply(file.limits());
            changes.add("limits " + file.limits());
        }
        return String.join("; ", changes);
    }

    private int closeSessionsOf(Set<String> revokedClients) {
        int closed = 0;
        for (AgentSession session : sessions.all()) {
            if (session.principal().method() == AuthMethod.STATIC_TOKEN
                    && revokedClients.contains(session.principal().clientId())) {
                session.close(
                        CloseCode.CREDENTIALS_REVOKED,
                        "the token this agent used was removed from the gateway's configuration file");
                closed++;
            }
        }
        return closed;
    }

    private static <T> void restartOnly(List<String> changes, String key, Optional<T> inFile, T running) {
        inFile.filter(value -> !value.equals(running)).ifPresent(value -> {
            Log.warnf(
                    "configuration file: %s is %s but this gateway runs with %s; it needs a restart to change",
                    key, value, running);
            changes.add(key + " needs a restart");
        });
    }

    private void reject(GatewayFileException e) {
        e.problems()
                .forEach(problem -> Log.errorf("configuration file rejected, the settings in force stay: %s", problem));
        events.publish(
                new PortholeEvent.ConfigRejected("gateway " + instance.id(), name(), String.join("; ", e.problems())));
    }

    private String name() {
        return path.map(p -> p.getFileName().toString()).orElse("configuration");
    }

    private static String read(Path file) throws IOException {
        long size = Files.size(file);
        if (size > MAX_FILE_BYTES) {
            throw new IllegalArgumentException(size + " bytes; at most " + MAX_FILE_BYTES + " are read");
        }
        return Files.readString(file, StandardCharsets.UTF_8);
    }

    private static String digest(String text) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }
}
