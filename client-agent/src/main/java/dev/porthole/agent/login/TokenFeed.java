package dev.porthole.agent.login;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.Reader;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * Tokens arriving one per line on standard input ({@code --token-stdin}): the first one to connect
 * with, each later one replacing it for the next reconnect. The gateway checks a token at the
 * handshake only and does not end a live session when its JWT expires, so a new token never drops
 * live streams; it matters from the next reconnect on. When the current token is a JWT and its
 * {@code exp} comes near with no newer token in sight, {@link #expiryWarning} says so ahead of time.
 */
public final class TokenFeed {

    /** Longer lines are no token: they are skipped, never buffered whole. */
    static final int MAX_LINE = 16 * 1024;

    private static final Logger LOG = Logger.getLogger(TokenFeed.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Reader input;
    private final Clock clock;
    private final Duration warningLead;
    private volatile String current;

    public TokenFeed(Reader input, Clock clock, Duration warningLead) {
        this.input = input;
        this.clock = clock;
        this.warningLead = warningLead;
    }

    /**
     * Blocks until the first token arrives.
     *
     * @throws IllegalArgumentException when standard input ends before a token
     */
    public String first() {
        String token = next();
        if (token == null) {
            throw new IllegalArgumentException("--token-stdin: standard input ended before a token arrived");
        }
        current = token;
        return token;
    }

    /**
     * Reads the following tokens on a virtual thread until standard input ends, handing each to
     * {@code renew}.
     */
    public void follow(Consumer<String> renew) {
        Thread.ofVirtual().name("token-stdin").start(() -> {
            String token;
            while ((token = next()) != null) {
                current = token;
                renew.accept(token);
                LOG.infof(
                        "new token received on standard input%s; the next connection uses it",
                        expiry(token).map(exp -> " (valid until " + exp + ")").orElse(""));
            }
            LOG.debug("standard input ended; keeping the last token");
        });
    }

    /** The token in use. */
    public String current() {
        return current;
    }

    /**
     * A warning when the current token is a JWT that expires within the lead time, else empty.
     * Called periodically by the agent; a new token on standard input silences it.
     */
    public Optional<String> expiryWarning() {
        String token = current;
        if (token == null) {
            return Optional.empty();
        }
        return expiry(token).flatMap(exp -> {
            Duration left = Duration.between(clock.instant(), exp);
            if (left.compareTo(warningLead) > 0) {
                return Optional.empty();
            }
            return Optional.of(
                    left.isNegative()
                            ? "the JWT expired at " + exp
                                    + " and no new one arrived on standard input; the gateway will refuse the next reconnect"
                            : "the JWT expires at " + exp + " (in " + left.toSeconds()
                                    + " s) and no new one has arrived on standard input; "
                                    + "write one there before then, or the next reconnect will be refused");
        });
    }

    /** The {@code exp} of a JWT (read, not verified: the gateway verifies), or empty for other tokens. */
    static Optional<Instant> expiry(String token) {
        String[] parts = token.split("\\.");
        if (parts.length != 3) {
            return Optional.empty();
        }
        try {
            JsonNode claims = JSON.readTree(Base64.getUrlDecoder().decode(parts[1]));
            JsonNode exp = claims.get("exp");
            return exp != null && exp.canConvertToLong()
                    ? Optional.of(Instant.ofEpochSecond(exp.asLong()))
                    : Optional.empty();
        } catch (IOException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** The next non-blank line, trimmed; null at the end of input. Lines over {@link #MAX_LINE} are skipped. */
    private String next() {
        try {
            StringBuilder line = new StringBuilder();
            boolean tooLong = false;
            int c;
            while ((c = input.read()) != -1) {
                if (c == '\n') {
                    if (tooLong) {
                        LOG.warnf("skipped a line of more than %d characters on standard input: not a token", MAX_LINE);
                    } else if (!line.isEmpty() && !line.toString().isBlank()) {
                        return line.toString().trim();
                    }
                    line.setLength(0);
                    tooLong = false;
                } else if (line.length() >= MAX_LINE) {
                    tooLong = true;
                } else {
                    line.append((char) c);
                }
            }
            return tooLong || line.toString().isBlank() ? null : line.toString().trim();
        } catch (IOException e) {
            LOG.warnf("cannot read standard input: %s", e.getMessage());
            return null;
        }
    }
}
