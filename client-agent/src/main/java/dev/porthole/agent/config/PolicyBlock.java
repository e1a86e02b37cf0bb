package dev.porthole.agent.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.porthole.agent.policy.PolicyInput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code policy:} block of a tunnel in porthole.yml: the keys are the {@code porthole http}
 * policy flags without their dashes, each a value or a list of values.
 *
 * <pre>
 * policy:
 *   basic-auth: [alice:s3cret]
 *   allow-cidr: [10.0.0.0/8, "2001:db8::/32"]
 *   verify-webhook: github:whsec
 *   rate-limit: 100/min
 * </pre>
 */
final class PolicyBlock {

    private PolicyBlock() {}

    /** Reads the block the parser stands on (its start); every mistake is added to {@code problems}. */
    static PolicyInput read(JsonParser parser, String path, int line, List<ConfigProblem> problems) throws IOException {
        if (parser.currentToken() != JsonToken.START_OBJECT) {
            problems.add(new ConfigProblem(
                    line,
                    path,
                    "must map rules to values, e.g. 'basic-auth: [alice:s3cret]' on the next line, indented"));
            parser.skipChildren();
            return null;
        }
        Map<String, List<String>> rules = new HashMap<>();
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String key = parser.currentName();
            int keyLine = parser.currentTokenLocation().getLineNr();
            parser.nextToken();
            List<String> values = values(parser, path + "." + key, keyLine, problems);
            if (!PolicyInput.KEYS.contains(key)) {
                problems.add(new ConfigProblem(
                        keyLine,
                        path + "." + key,
                        "unknown rule; a policy takes " + String.join(", ", PolicyInput.KEYS)));
            } else if (PolicyInput.SINGLE.contains(key) && values.size() > 1) {
                problems.add(new ConfigProblem(
                        keyLine,
                        path + "." + key,
                        key.equals("rate-limit") ? "takes one rate, such as 100/min" : "takes one value"));
            } else if (rules.putIfAbsent(key, values) != null) {
                problems.add(new ConfigProblem(keyLine, path + "." + key, "appears twice; keep one"));
            }
        }
        return new PolicyInput(
                rules.get("basic-auth"),
                rules.get("allow-cidr"),
                rules.get("deny-cidr"),
                rules.get("verify-webhook"),
                rules.get("request-header-add"),
                rules.get("request-header-remove"),
                rules.get("response-header-add"),
                rules.get("response-header-remove"),
                single(rules, "rate-limit"),
                single(rules, "oidc-issuer"),
                single(rules, "oidc-client-id"),
                single(rules, "oidc-client-secret"),
                rules.get("oidc-allow-domain"),
                rules.get("oidc-allow-claim"));
    }

    private static String single(Map<String, List<String>> rules, String key) {
        List<String> values = rules.getOrDefault(key, List.of());
        return values.isEmpty() ? "" : values.getFirst();
    }

    private static List<String> values(JsonParser parser, String key, int line, List<ConfigProblem> problems)
            throws IOException {
        List<String> values = new ArrayList<>();
        if (parser.currentToken() == JsonToken.START_ARRAY) {
            while (parser.nextToken() != JsonToken.END_ARRAY) {
                if (parser.currentToken().isStructStart()) {
                    problems.add(new ConfigProblem(line, key, "must list plain values"));
                    parser.skipChildren();
                } else {
                    values.add(parser.getText());
                }
            }
        } else if (parser.currentToken() == JsonToken.START_OBJECT) {
            problems.add(new ConfigProblem(line, key, "must be a value or a list of values, not a mapping"));
            parser.skipChildren();
        } else if (parser.currentToken() != JsonToken.VALUE_NULL) {
            values.add(parser.getText());
        }
        return values;
    }
}
