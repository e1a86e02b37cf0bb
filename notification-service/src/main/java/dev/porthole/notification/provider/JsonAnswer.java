package dev.porthole.notification.provider;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A chat service's JSON answer, read leniently: an answer that is not a JSON object is "absent",
 * which the providers treat as unexpected.
 *
 * @param root the JSON object, if the body was one
 */
record JsonAnswer(Optional<JsonNode> root) {

    static JsonAnswer parse(ObjectMapper mapper, String body) {
        if (body == null || body.isBlank()) {
            return new JsonAnswer(Optional.empty());
        }
        try {
            JsonNode node = mapper.readTree(body);
            return new JsonAnswer(node != null && node.isObject() ? Optional.of(node) : Optional.empty());
        } catch (JsonProcessingException e) {
            return new JsonAnswer(Optional.empty());
        }
    }

    /** An integer field such as {@code errcode} or {@code code}. */
    OptionalInt integer(String field) {
        return root.map(r -> r.get(field))
                .filter(JsonNode::isIntegralNumber)
                .map(n -> OptionalInt.of(n.asInt()))
                .orElse(OptionalInt.empty());
    }

    /** A text field such as {@code errmsg} or {@code msg}, empty string when absent. */
    String text(String field) {
        return root.map(r -> r.path(field).asText("")).orElse("");
    }
}
