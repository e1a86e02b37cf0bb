package dev.porthole.gateway.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * Known-answer vectors for each provider's signature, from its public documentation (GitHub and
 * Slack publish an example secret, body and signature; Stripe publishes the scheme, and the vector
 * here was computed with {@code openssl dgst -sha256 -hmac}), and replays outside the tolerance.
 */
class WebhookSignaturesTest {

    private static final Duration TOLERANCE = Duration.ofSeconds(300);

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static MultiMap headers(String... pairs) {
        MultiMap headers = MultiMap.caseInsensitiveMultiMap();
        for (int i = 0; i < pairs.length; i += 2) {
            headers.add(pairs[i], pairs[i + 1]);
        }
        return headers;
    }

    @Test
    void githubsDocumentedExampleVerifies() {
        // docs.github.com, "Validating webhook deliveries": secret, payload and expected signature.
        GithubSignature github = new GithubSignature(bytes("It's a Secret to Everybody"));
        Buffer body = Buffer.buffer("Hello, World!");
        assertThat(github.problem(
                        headers(
                                "X-Hub-Signature-256",
                                "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"),
                        body,
                        Instant.now()))
                .isNull();
        assertThat(github.problem(
                        headers(
                                "X-Hub-Signature-256",
                                "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"),
                        Buffer.buffer("Hello, World?"),
                        Instant.now()))
                .isEqualTo("wrong X-Hub-Signature-256");
        assertThat(github.problem(headers(), body, Instant.now())).isEqualTo("no X-Hub-Signature-256 header");
        assertThat(github.problem(
                        headers(
                                "X-Hub-Signature-256",
                                "757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"),
                        body,
                        Instant.now()))
                .as("the sha256= prefix is part of the signature")
                .isNotNull();
    }

    @Test
    void slacksDocumentedExampleVerifiesWithinFiveMinutesOnly() {
        // api.slack.com, "Verifying requests from Slack": signing secret, timestamp, body and signature.
        SlackSignature slack = new SlackSignature(bytes("8f742231b10e8888abcd99yyyzzz85a5"), TOLERANCE);
        Buffer body = Buffer.buffer(
                "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V"
                        + "&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text="
                        + "&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN"
                        + "&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c");
        MultiMap headers = headers(
                "X-Slack-Request-Timestamp",
                "1531420618",
                "X-Slack-Signature",
                "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503");
        Instant signedAt = Instant.ofEpochSecond(1531420618);
        assertThat(slack.problem(headers, body, signedAt.plusSeconds(299))).isNull();
        assertThat(slack.problem(headers, body, signedAt.plusSeconds(301)))
                .as("a replay after five minutes")
                .contains("outside the 300 s tolerance");
        assertThat(slack.problem(headers, body, signedAt.minusSeconds(301)))
                .as("a timestamp from the future")
                .isNotNull();
        headers.set("X-Slack-Request-Timestamp", "1531420619");
        assertThat(slack.problem(headers, body, signedAt))
                .as("the timestamp is signed")
                .isEqualTo("wrong X-Slack-Signature");
    }

    @Test
    void stripeSignaturesVerifyWithinTheToleranceAndAnyV1Counts() {
        // Stripe's scheme: t=<ts>,v1=<hex HMAC-SHA256 of "<ts>.<body>">; computed with
        // printf '1700000000.{...}' | openssl dgst -sha256 -hmac whsec_test_secret
        StripeSignature stripe = new StripeSignature(bytes("whsec_test_secret"), TOLERANCE);
        Buffer body = Buffer.buffer("{\"id\":\"evt_1\",\"type\":\"payment_intent.succeeded\"}");
        String good = "22d8dc182f5c588077683bd378368e29765bfe5df2560112b4f28fef120f0e31";
        Instant signedAt = Instant.ofEpochSecond(1_700_000_000L);
        assertThat(stripe.problem(
                        headers("Stripe-Signature", "t=1700000000,v1=" + good), body, signedAt.plusSeconds(300)))
                .isNull();
        assertThat(stripe.problem(
                        headers(
                                "Stripe-Signature",
                                "t=1700000000,v1=" + "0".repeat(64) + ",v1=" + good + ",v0=ignored"),
                        body,
                        signedAt))
                .as("a secret being rolled: two v1")
                .isNull();
        assertThat(stripe.problem(
                        headers("Stripe-Signature", "t=1700000000,v1=" + good), body, signedAt.plusSeconds(301)))
                .as("a replay after the tolerance")
                .contains("outside the 300 s tolerance");
        assertThat(stripe.problem(headers("Stripe-Signature", "t=1700000001,v1=" + good), body, signedAt))
                .isEqualTo("wrong Stripe-Signature");
        assertThat(stripe.problem(headers("Stripe-Signature", "v1=" + good), body, signedAt))
                .contains("no timestamp");
        assertThat(stripe.problem(headers("Stripe-Signature", "t=1700000000,v0=" + good), body, signedAt))
                .contains("no v1= signature");
    }

    @Test
    void aGenericHmacHeaderTakesTheHexBareOrWithItsPrefix() {
        // printf '{"ping":1}' | openssl dgst -sha256 -hmac generic-secret
        HmacHeaderSignature hmac = new HmacHeaderSignature("X-Signature", bytes("generic-secret"));
        Buffer body = Buffer.buffer("{\"ping\":1}");
        String good = "b8a4cfb2bbe631a676894ed69b8cf91d1f12d99c8a0c10dc606710bfa09c594d";
        assertThat(hmac.problem(headers("X-Signature", good), body, Instant.now()))
                .isNull();
        assertThat(hmac.problem(headers("X-Signature", "sha256=" + good.toUpperCase()), body, Instant.now()))
                .isNull();
        assertThat(hmac.problem(headers("X-Signature", good), Buffer.buffer("{\"ping\":2}"), Instant.now()))
                .isEqualTo("wrong X-Signature");
        assertThat(hmac.problem(headers(), body, Instant.now())).isEqualTo("no X-Signature header");
    }
}
