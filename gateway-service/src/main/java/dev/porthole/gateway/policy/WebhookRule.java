package dev.porthole.gateway.policy;

import dev.porthole.protocol.message.TunnelPolicy;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The webhook rule: the request must carry a valid signature of one of the policy's kinds (several: any one). */
final class WebhookRule {

    /** The kinds an agent may name, as {@code --verify-webhook <kind>:...} spells them. */
    static final List<String> KINDS = List.of("github", "stripe", "slack", "hmac-sha256");

    private final List<WebhookSignature> signatures;

    private WebhookRule(List<WebhookSignature> signatures) {
        this.signatures = signatures;
    }

    /** The rule, or null without webhooks; each bad one is added to {@code problems} (the secret is never quoted). */
    static WebhookRule of(List<TunnelPolicy.Webhook> webhooks, Duration tolerance, List<String> problems) {
        if (webhooks.isEmpty()) {
            return null;
        }
        List<WebhookSignature> signatures = new ArrayList<>();
        for (TunnelPolicy.Webhook webhook : webhooks) {
            String kind = webhook.kind().toLowerCase(Locale.ROOT);
            byte[] secret = webhook.secret().getBytes(StandardCharsets.UTF_8);
            if (secret.length == 0) {
                problems.add("verify-webhook " + kind + ": the secret is empty");
                continue;
            }
            switch (kind) {
                case "github" -> signatures.add(new GithubSignature(secret));
                case "stripe" -> signatures.add(new StripeSignature(secret, tolerance));
                case "slack" -> signatures.add(new SlackSignature(secret, tolerance));
                case "hmac-sha256" -> {
                    String problem = HeaderRules.nameProblem(webhook.header());
                    if (problem != null) {
                        problems.add("verify-webhook hmac-sha256: header '" + webhook.header() + "' " + problem);
                    } else {
                        signatures.add(new HmacHeaderSignature(webhook.header(), secret));
                    }
                }
                default ->
                    problems.add("verify-webhook kind '" + webhook.kind() + "' is unknown; use one of "
                            + String.join(", ", KINDS));
            }
        }
        return new WebhookRule(List.copyOf(signatures));
    }

    /** Null when one of the signatures is valid, else the first kind's reason. */
    String problem(MultiMap headers, Buffer body, Instant now) {
        String first = null;
        for (WebhookSignature signature : signatures) {
            String problem = signature.problem(headers, body, now);
            if (problem == null) {
                return null;
            }
            first = first == null ? problem : first;
        }
        return first;
    }
}
