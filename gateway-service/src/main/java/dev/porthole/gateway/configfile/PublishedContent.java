package dev.porthole.gateway.configfile;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.porthole.gateway.auth.StaticCredential;

/**
 * The form of a configuration file that a gateway publishes on {@code <prefix>config}: the same
 * settings with every token ({@code tokens[i]}, {@code clients[i].token}) replaced by its hash
 * ({@code sha256:<hex>}), so that whoever reads the channel learns no token. The gateways that apply
 * it compare the hashes of presented tokens with these.
 */
final class PublishedContent {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private PublishedContent() {}

    /** {@code text}, a file {@link GatewayFileParser} accepted, with token hashes instead of tokens. */
    static String withTokenHashes(String text) {
        try {
            JsonNode root = YAML.readTree(text);
            if (root instanceof ObjectNode file) {
                if (file.get("tokens") instanceof ArrayNode tokens) {
                    for (int i = 0; i < tokens.size(); i++) {
                        if (tokens.get(i).isTextual()) {
                            tokens.set(i, StaticCredential.hashed(tokens.get(i).asText()));
                        }
                    }
                }
                if (file.get("clients") instanceof ArrayNode clients) {
                    for (JsonNode client : clients) {
                        if (client instanceof ObjectNode entry
                                && entry.path("token").isTextual()) {
                            entry.put(
                                    "token",
                                    StaticCredential.hashed(entry.get("token").asText()));
                        }
                    }
                }
            }
            return YAML.writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(
                    "cannot re-write a configuration file that was accepted: " + e.getOriginalMessage(), e);
        }
    }
}
