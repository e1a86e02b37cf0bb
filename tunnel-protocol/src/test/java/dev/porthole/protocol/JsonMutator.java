package dev.porthole.protocol;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.IntFunction;

/**
 * Turns a valid JSON document into a hostile one, for the fuzz tests of the JSON codecs: flipped
 * bits, truncation, huge numbers, deep nesting, values of the wrong type, unknown and missing
 * fields, very long strings. Deterministic for a given {@link Random}.
 */
public final class JsonMutator {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final Random random;

    public JsonMutator(Random random) {
        this.random = random;
    }

    /** A JSON reader under test: returns what it read or throws. */
    @FunctionalInterface
    public interface Reader {
        Object read(String json) throws Exception;
    }

    /** How many mutated documents were read and how many were rejected with the declared exception. */
    public record Outcome(int parsed, int rejected) {}

    /**
     * Reads {@code iterations} mutations of the documents {@code valid} produces (argument: the
     * iteration); fails on the first exception other than {@code declared} (or one with no message).
     */
    public Outcome fuzz(int iterations, IntFunction<String> valid, Reader reader, Class<? extends Exception> declared) {
        int parsed = 0;
        int rejected = 0;
        for (int i = 0; i < iterations; i++) {
            String input = mutate(valid.apply(i));
            try {
                if (reader.read(input) == null) {
                    throw new AssertionError("input #" + i + " read as null: " + abbreviate(input));
                }
                parsed++;
            } catch (Exception | StackOverflowError e) {
                if (!declared.isInstance(e)
                        || e.getMessage() == null
                        || e.getMessage().isBlank()) {
                    throw new AssertionError("input #" + i + " escaped as " + e + ": " + abbreviate(input), e);
                }
                rejected++;
            }
        }
        return new Outcome(parsed, rejected);
    }

    /** One to three mutations of {@code valid}. */
    public String mutate(String valid) {
        String json = valid;
        for (int i = 1 + random.nextInt(3); i > 0; i--) {
            json = random.nextInt(3) == 0 ? mutateText(json) : mutateTree(json);
        }
        return json;
    }

    private static String abbreviate(String input) {
        return input.length() <= 300 ? input : input.substring(0, 300) + "... (" + input.length() + " chars)";
    }

    private String mutateText(String json) {
        if (json.isEmpty()) {
            return "{";
        }
        int at = random.nextInt(json.length());
        return switch (random.nextInt(5)) {
            case 0 ->
                json.substring(0, at) + (char) (json.charAt(at) ^ (1 << random.nextInt(8))) + json.substring(at + 1);
            case 1 -> json.substring(0, at);
            case 2 -> json.substring(0, at) + "\u0000\uD800" + json.substring(at);
            case 3 -> json.substring(0, at) + "[".repeat(2_000) + json.substring(at);
            default -> json.substring(0, at) + json.substring(Math.min(json.length(), at + 1 + random.nextInt(8)));
        };
    }

    private String mutateTree(String json) {
        JsonNode root;
        try {
            root = MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            return mutateText(json); // an earlier mutation already broke the text
        }
        if (!(root instanceof ObjectNode object)) {
            return hostileValue().toString();
        }
        List<ObjectNode> objects = new ArrayList<>();
        collectObjects(object, objects);
        ObjectNode target = objects.get(random.nextInt(objects.size()));
        List<String> names = new ArrayList<>();
        target.fieldNames().forEachRemaining(names::add);
        if (names.isEmpty() || random.nextInt(6) == 0) {
            target.set("unknown" + random.nextInt(10), hostileValue());
        } else {
            String name = names.get(random.nextInt(names.size()));
            if (random.nextInt(5) == 0) {
                target.remove(name);
            } else {
                target.set(name, hostileValue());
            }
        }
        return root.toString();
    }

    private static void collectObjects(JsonNode node, List<ObjectNode> into) {
        if (node instanceof ObjectNode object) {
            into.add(object);
        }
        node.elements().forEachRemaining(child -> collectObjects(child, into));
    }

    private JsonNode hostileValue() {
        return switch (random.nextInt(14)) {
            case 0 -> NODES.nullNode();
            case 1 -> NODES.booleanNode(random.nextBoolean());
            case 2 -> NODES.numberNode(random.nextLong());
            case 3 -> NODES.numberNode(new BigInteger("9".repeat(1 + random.nextInt(400))));
            case 4 ->
                NODES.numberNode(new BigDecimal("1e" + (random.nextBoolean() ? "" : "-") + random.nextInt(100_000)));
            case 5 -> NODES.numberNode(random.nextBoolean() ? Double.MAX_VALUE : -0.0);
            case 6 -> NODES.textNode("");
            case 7 -> NODES.textNode("x".repeat(random.nextInt(200_000)));
            case 8 -> NODES.textNode("2026-13-45T99:99:99Z");
            case 9 -> NODES.objectNode();
            case 10 -> NODES.arrayNode().add(1).add("two");
            case 11 -> nested(1 + random.nextInt(900));
            case 12 -> NODES.textNode(Integer.toString(random.nextInt()));
            default -> NODES.textNode("\u202e\uFEFF\t\n" + random.nextInt());
        };
    }

    private static JsonNode nested(int depth) {
        ArrayNode root = NODES.arrayNode();
        ArrayNode current = root;
        for (int i = 1; i < depth; i++) {
            current = current.addArray();
        }
        return root;
    }
}
