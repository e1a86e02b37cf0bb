package dev.porthole.agent.login;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PipedReader;
import java.io.PipedWriter;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/** Tokens on standard input: the first, the replacements, bounded lines, and the warning before a JWT expires. */
class TokenFeedTest {

    private static final Instant NOW = Instant.parse("2026-11-30T00:00:00Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

    private static String jwt(Instant exp) {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        return b64.encodeToString("{\"alg\":\"HS256\"}".getBytes(StandardCharsets.UTF_8)) + "."
                + b64.encodeToString(
                        ("{\"sub\":\"alice\",\"exp\":" + exp.getEpochSecond() + "}").getBytes(StandardCharsets.UTF_8))
                + ".c2ln";
    }

    @Test
    void theFirstLineConnectsAndEachLaterOneReplacesIt() throws Exception {
        PipedWriter stdin = new PipedWriter();
        TokenFeed feed = new TokenFeed(new PipedReader(stdin), CLOCK, Duration.ofMinutes(5));
        stdin.write("\n  first-token  \n");
        stdin.flush();
        assertThat(feed.first()).isEqualTo("first-token");

        List<String> renewed = new CopyOnWriteArrayList<>();
        feed.follow(renewed::add);
        stdin.write("second-token\n\nthird-token\n");
        stdin.flush();
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> renewed.size() == 2);
        assertThat(renewed).containsExactly("second-token", "third-token");
        assertThat(feed.current()).isEqualTo("third-token");
        stdin.close();
    }

    @Test
    void anEmptyInputIsAClearError() {
        TokenFeed feed = new TokenFeed(new StringReader("\n \n"), CLOCK, Duration.ofMinutes(5));
        assertThatThrownBy(feed::first).hasMessageContaining("standard input ended before a token arrived");
    }

    @Test
    void skipsALineLongerThanTheBoundWithoutKeepingIt() {
        String huge = "x".repeat(TokenFeed.MAX_LINE + 10);
        TokenFeed feed = new TokenFeed(new StringReader(huge + "\nreal-token\n"), CLOCK, Duration.ofMinutes(5));
        assertThat(feed.first()).isEqualTo("real-token");
    }

    @Test
    void warnsAheadOfAJwtsExpiryUntilANewTokenArrives() {
        String soon = jwt(NOW.plusSeconds(120));
        String later = jwt(NOW.plus(Duration.ofHours(1)));
        TokenFeed feed = new TokenFeed(new StringReader(soon + "\n"), CLOCK, Duration.ofMinutes(5));
        feed.first();
        assertThat(feed.expiryWarning())
                .hasValueSatisfying(warning -> assertThat(warning)
                        .contains("expires at 2026-11-30T00:02:00Z (in 120 s)")
                        .contains("no new one has arrived"));

        TokenFeed renewed = new TokenFeed(new StringReader(later + "\n"), CLOCK, Duration.ofMinutes(5));
        renewed.first();
        assertThat(renewed.expiryWarning()).isEmpty();
    }

    @Test
    void aPlainTokenHasNoExpiryToWarnAbout() {
        TokenFeed feed = new TokenFeed(new StringReader("static-token-0123456789\n"), CLOCK, Duration.ofMinutes(5));
        feed.first();
        assertThat(feed.expiryWarning()).isEmpty();
        assertThat(TokenFeed.expiry(jwt(NOW))).contains(NOW);
        assertThat(TokenFeed.expiry("a.not-base64!.c")).isEmpty();
    }
}
