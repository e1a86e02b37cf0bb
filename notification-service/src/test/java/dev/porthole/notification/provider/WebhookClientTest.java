package dev.porthole.notification.provider;

import static org.assertj.core.api.Assertions.assertThat;

import dev.porthole.notification.message.Message;
import dev.porthole.notification.message.MessageFormat;
import dev.porthole.notification.testing.WebhookReceiver;
import dev.porthole.notification.testing.WebhookReceiver.Reply;
import dev.porthole.protocol.event.Severity;
import dev.porthole.testing.RedisTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The HTTP client keeps at most 64 KiB of an answer, and turns failures into verdicts without the URI. */
@QuarkusTest
@QuarkusTestResource(RedisTestResource.class)
class WebhookClientTest {

    @Inject
    WebhookClient client;

    private final WebhookReceiver receiver = WebhookReceiver.shared();

    /** Records what the client hands over. */
    private static final class Recording implements NotificationProvider {
        final AtomicReference<WebhookResponse> seen = new AtomicReference<>();

        @Override
        public ProviderKind kind() {
            return ProviderKind.SLACK;
        }

        @Override
        public WebhookRequest request(Webhook webhook, Message message) {
            return new WebhookRequest(URI.create(webhook.url()), "{}".getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public Verdict verdict(WebhookResponse response) {
            seen.set(response);
            return Verdict.delivered();
        }
    }

    @Test
    void keepsNoMoreThanSixtyFourKilobytesOfAnAnswer() throws Exception {
        String path = "/client/huge-answer";
        receiver.reply(path, Reply.text(200, "x".repeat(300_000)));
        Recording provider = new Recording();

        Verdict verdict = client.send(provider, provider.request(
                new Webhook(receiver.url(path), Optional.empty(), MessageFormat.TEXT), new Message(Severity.INFO, "t", "x", List.of())))
                .toCompletableFuture().get(10, TimeUnit.SECONDS);

        assertThat(verdict).isInstanceOf(Verdict.Delivered.class);
        assertThat(provider.seen.get().body()).hasSize(WebhookClient.MAX_ANSWER_BYTES);
    }

    @Test
    void reportsARefusedConnectionAsRetryableWithoutTheUri() throws Exception {
        Recording provider = new Recording();

        Verdict verdict = client.send(provider, new WebhookRequest(URI.create("http://127.0.0.1:1/hook/SECRETKEY?key=SECRETKEY"), new byte[0]))
                .toCompletableFuture().get(10, TimeUnit.SECONDS);

        assertThat(verdict).isInstanceOfSatisfying(Verdict.Retry.class, r -> {
            assertThat(r.reason()).isEqualTo("connection refused or failed");
            assertThat(r.rateLimited()).isFalse();
        });
        assertThat(provider.seen.get()).isNull();
    }
}
