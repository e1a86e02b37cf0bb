package dev.porthole.notification.provider;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** A provider's JSON request body as bytes. */
final class JsonPayload {

    private JsonPayload() {}

    static byte[] bytes(ObjectMapper mapper, ObjectNode body, ProviderKind kind) {
        try {
            return mapper.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the " + kind.wireName() + " payload", e);
        }
    }
}
