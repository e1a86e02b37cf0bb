package dev.porthole.agent.config;

import com.fasterxml.jackson.core.JsonToken;
import dev.porthole.agent.policy.PolicyInput;
import dev.porthole.agent.tunnel.TunnelSpec;
import dev.porthole.agent.upstream.UpstreamAddress;
import dev.porthole.agent.upstream.UpstreamHttpOptions;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Checks one tunnel entry of porthole.yml, the keys {@link AgentConfigReader} collected under its
 * name: which keys its type takes, their values, and the tunnel they make.
 */
final class TunnelEntryReader {

    /** The keys of TCP tunnels (a port or a private name). */
    private static final List<String> TCP_KEYS = List.of("port", "private", "name");

    /** The keys of HTTP tunnels. */
    private static final List<String> HTTP_KEYS = List.of(
            "subdomain",
            "host-header",
            "upstream-basic-auth",
            "upstream-tls",
            "upstream-tls-verify",
            "upstream-protocol",
            "policy");

    /** Keys of one tunnel entry, in the order the example and the docs list them. */
    static final List<String> ENTRY_KEYS = Stream.of(List.of("type", "upstream"), HTTP_KEYS, TCP_KEYS)
            .flatMap(List::stream)
            .toList();

    private final List<ConfigProblem> problems;

    /** Adds each mistake to {@code problems}. */
    TunnelEntryReader(List<ConfigProblem> problems) {
        this.problems = problems;
    }

    /**
     * Checks the keys of the entry {@code label} and builds its tunnel; null when it has a
     * mistake (each one added to the problems).
     */
    TunnelEntry read(String label, int labelLine, Map<String, YamlScalar> fields, PolicyInput policy) {
        String path = "tunnels." + label;
        int before = problems.size();
        for (Map.Entry<String, YamlScalar> field : fields.entrySet()) {
            if (!ENTRY_KEYS.contains(field.getKey())) {
                problem(
                        field.getValue().line(),
                        path + "." + field.getKey(),
                        "unknown key; a tunnel takes " + String.join(", ", ENTRY_KEYS));
            }
        }
        YamlScalar type = fields.get("type");
        YamlScalar upstream = fields.get("upstream");
        if (type == null) {
            problem(labelLine, path + ".type", "missing; write 'type: http', 'type: tcp', 'type: tls' or 'type: udp'");
        }
        if (upstream == null) {
            problem(
                    labelLine,
                    path + ".upstream",
                    "missing; write the local service, e.g. 'upstream: 3000' or 'upstream: localhost:8080'");
        } else {
            try {
                UpstreamAddress.parse(upstream.text());
            } catch (IllegalArgumentException e) {
                problem(upstream.line(), path + ".upstream", e.getMessage());
            }
        }
        String kind = type == null ? null : type.text().trim();
        if ("http".equals(kind)) {
            refuse(fields, path, "tcp", TCP_KEYS);
        } else if ("tcp".equals(kind)) {
            refuse(fields, path, "http", HTTP_KEYS);
        } else if ("tls".equals(kind)) {
            refuse(fields, path, "tcp", TCP_KEYS);
            refuse(fields, path, "http", HTTP_KEYS, "subdomain");
        } else if ("udp".equals(kind)) {
            refuse(fields, path, "http", HTTP_KEYS, "upstream-protocol");
        } else if (type != null) {
            problem(type.line(), path + ".type", "must be 'http', 'tcp', 'tls' or 'udp', was '" + type.text() + "'");
        }
        Integer port = number(fields.get("port"), path + ".port");
        Boolean privateTunnel = bool(fields.get("private"), path + ".private");
        Boolean tls = bool(fields.get("upstream-tls"), path + ".upstream-tls");
        Boolean tlsVerify = bool(fields.get("upstream-tls-verify"), path + ".upstream-tls-verify");
        if (tlsVerify != null && !Boolean.TRUE.equals(tls)) {
            problem(
                    fields.get("upstream-tls-verify").line(),
                    path + ".upstream-tls-verify",
                    "applies to HTTPS upstreams only; add 'upstream-tls: true'");
        }
        if (problems.size() > before) {
            return null;
        }
        try {
            TunnelSpec spec = "udp".equals(kind)
                    ? TunnelSpec.udp(
                            upstream.text(),
                            port == null ? 0 : port,
                            Boolean.TRUE.equals(privateTunnel),
                            text(fields.get("name")),
                            option -> "'" + option + "'")
                    : "tls".equals(kind)
                            ? TunnelSpec.tls(
                                    upstream.text(), text(fields.get("subdomain")), option -> "'" + option + "'")
                            : "http".equals(kind)
                                    ? TunnelSpec.http(
                                            upstream.text(),
                                            text(fields.get("subdomain")),
                                            UpstreamHttpOptions.of(
                                                    text(fields.get("host-header")),
                                                    text(fields.get("upstream-basic-auth")),
                                                    Boolean.TRUE.equals(tls),
                                                    !Boolean.FALSE.equals(tlsVerify),
                                                    text(fields.get("upstream-protocol")),
                                                    option -> "'" + option + "'"))
                                    : TunnelSpec.tcp(
                                            upstream.text(),
                                            port == null ? 0 : port,
                                            Boolean.TRUE.equals(privateTunnel),
                                            text(fields.get("name")),
                                            option -> "'" + option + "'");
            if (policy != null && !policy.isEmpty()) {
                spec = spec.withPolicy(policy.toPolicy(rule -> "'policy." + rule + "'"));
            }
            return new TunnelEntry(label, spec);
        } catch (IllegalArgumentException e) {
            problem(labelLine, path, e.getMessage());
            return null;
        }
    }

    /** A problem for each key of {@code otherKind} tunnels in {@code fields}, except those this kind takes too. */
    private void refuse(
            Map<String, YamlScalar> fields, String path, String otherKind, List<String> keys, String... takesToo) {
        for (String key : keys) {
            YamlScalar value = fields.get(key);
            if (value != null && !List.of(takesToo).contains(key)) {
                problem(value.line(), path + "." + key, "is for " + otherKind + " tunnels only");
            }
        }
    }

    private Integer number(YamlScalar value, String key) {
        if (value == null) {
            return null;
        }
        try {
            return Integer.parseInt(value.text().trim());
        } catch (NumberFormatException e) {
            problem(value.line(), key, "must be a port number, was '" + value.text() + "'");
            return null;
        }
    }

    private Boolean bool(YamlScalar value, String key) {
        if (value == null) {
            return null;
        }
        if (value.token() == JsonToken.VALUE_TRUE || value.token() == JsonToken.VALUE_FALSE) {
            return value.token() == JsonToken.VALUE_TRUE;
        }
        problem(value.line(), key, "must be true or false, was '" + value.text() + "'");
        return null;
    }

    private static String text(YamlScalar value) {
        return value == null ? null : value.text();
    }

    private void problem(int line, String key, String message) {
        problems.add(new ConfigProblem(line, key, message));
    }
}
