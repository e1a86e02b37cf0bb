package dev.porthole.agent.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.porthole.agent.policy.PolicyInput;
import dev.porthole.agent.tunnel.TunnelSpec;
import dev.porthole.agent.upstream.UpstreamAddress;
import dev.porthole.agent.upstream.UpstreamHttpOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads porthole.yml for {@code porthole start} and {@code porthole config check} alike. It walks
 * the YAML token by token so that every mistake can name its line and key, and it checks the
 * whole file before answering: all mistakes are reported at once, not only the first.
 */
public final class AgentConfigReader {

    /** Keys of one tunnel entry, in the order the example and the docs list them. */
    static final List<String> ENTRY_KEYS = List.of(
            "type",
            "upstream",
            "subdomain",
            "host-header",
            "upstream-basic-auth",
            "upstream-tls",
            "upstream-tls-verify",
            "upstream-protocol",
            "policy",
            "port",
            "private",
            "name");

    private static final Pattern LABEL = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,62}");
    private static final YAMLFactory YAML = new YAMLFactory();

    private final List<ConfigProblem> problems = new ArrayList<>();
    private final List<TunnelEntry> tunnels = new ArrayList<>();
    private String server;
    private Boolean ha;

    /** Reads and checks a file. */
    public static AgentConfig read(Path path) throws InvalidConfigException {
        String text;
        try {
            text = Files.readString(path);
        } catch (NoSuchFileException e) {
            throw new InvalidConfigException(
                    path.toString(),
                    List.of(
                            new ConfigProblem(
                                    0,
                                    "",
                                    "no such file; write a commented example with 'porthole config init' or point --config at yours")));
        } catch (IOException e) {
            throw new InvalidConfigException(
                    path.toString(), List.of(new ConfigProblem(0, "", "cannot read it: " + e.getMessage())));
        }
        return parse(path.toString(), text);
    }

    /** Checks YAML text; {@code file} names it in the messages. */
    public static AgentConfig parse(String file, String text) throws InvalidConfigException {
        AgentConfigReader reader = new AgentConfigReader();
        try (JsonParser parser = YAML.createParser(text)) {
            reader.document(parser);
        } catch (JsonProcessingException e) {
            // What was checked before the syntax broke is beside the point: report the syntax alone.
            JsonLocation where = e.getLocation();
            reader.problems.clear();
            reader.problems.add(new ConfigProblem(
                    where == null ? 0 : where.getLineNr(), "", "not valid YAML: " + oneLine(e.getOriginalMessage())));
        } catch (IOException e) {
            throw new UncheckedIOException("reading YAML from a string", e);
        }
        if (!reader.problems.isEmpty()) {
            throw new InvalidConfigException(file, reader.problems);
        }
        return new AgentConfig(reader.server, reader.tunnels, reader.ha);
    }

    /** A scalar as written, with its line. */
    private record Value(String text, JsonToken token, int line) {}

    private void document(JsonParser parser) throws IOException {
        JsonToken token = parser.nextToken();
        if (token == null) {
            problem(1, "", "the file is empty; it needs a 'tunnels:' section (see 'porthole config init')");
            return;
        }
        if (token != JsonToken.START_OBJECT) {
            problem(line(parser), "", "expected the keys 'server:' and 'tunnels:' at the top level");
            return;
        }
        Set<String> seen = new HashSet<>();
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String key = parser.currentName();
            int line = line(parser);
            parser.nextToken();
            if (!seen.add(key)) {
                problem(line, key, "appears twice; keep one");
                parser.skipChildren();
                continue;
            }
            switch (key) {
                case "server" -> {
                    Value value = scalar(parser, key, line);
                    if (value != null) {
                        server = value.text().trim();
                    }
                }
                case "tunnels" -> tunnels(parser, line);
                case "ha" -> {
                    if (parser.currentToken() == JsonToken.VALUE_TRUE
                            || parser.currentToken() == JsonToken.VALUE_FALSE) {
                        ha = parser.currentToken() == JsonToken.VALUE_TRUE;
                    } else {
                        problem(
                                line,
                                key,
                                "must be true or false (two connections to two gateway instances, like --ha)");
                        parser.skipChildren();
                    }
                }
                default -> {
                    problem(line, key, "unknown key; the top level takes 'server', 'ha' and 'tunnels'");
                    parser.skipChildren();
                }
            }
        }
        if (!seen.contains("tunnels")) {
            problem(1, "tunnels", "missing; list the tunnels to start (see 'porthole config init')");
        }
    }

    private void tunnels(JsonParser parser, int line) throws IOException {
        if (parser.currentToken() != JsonToken.START_OBJECT) {
            problem(
                    line,
                    "tunnels",
                    "must map a name to each tunnel, e.g. 'web:' followed by indented 'type: http' and 'upstream: 3000'");
            parser.skipChildren();
            return;
        }
        Set<String> labels = new HashSet<>();
        int entries = 0;
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            entries++;
            String label = parser.currentName();
            int labelLine = line(parser);
            String path = "tunnels." + label;
            parser.nextToken();
            if (!labels.add(label)) {
                problem(labelLine, path, "appears twice; tunnel names must differ");
                parser.skipChildren();
                continue;
            }
            if (!LABEL.matcher(label).matches()) {
                problem(labelLine, path, "a tunnel's name may hold letters, digits, '-' and '_' (at most 63)");
            }
            if (parser.currentToken() != JsonToken.START_OBJECT) {
                problem(labelLine, path, "must hold the tunnel's keys, e.g. 'type: http' and 'upstream: 3000'");
                parser.skipChildren();
                continue;
            }
            Map<String, Value> fields = new LinkedHashMap<>();
            PolicyInput policy = null;
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String key = parser.currentName();
                int keyLine = line(parser);
                parser.nextToken();
                if (key.equals("policy")) {
                    if (policy != null) {
                        problem(keyLine, path + ".policy", "appears twice; keep one");
                    }
                    policy = PolicyBlock.read(parser, path + ".policy", keyLine, problems);
                    // Marks the key as present for the per-kind checks.
                    fields.putIfAbsent(key, new Value("", JsonToken.START_OBJECT, keyLine));
                    continue;
                }
                Value value = scalar(parser, path + "." + key, keyLine);
                if (value != null && fields.putIfAbsent(key, value) != null) {
                    problem(keyLine, path + "." + key, "appears twice; keep one");
                }
            }
            entry(label, labelLine, fields, policy);
        }
        if (entries == 0) {
            problem(line, "tunnels", "is empty; list at least one tunnel");
        }
        duplicates();
    }

    private void entry(String label, int labelLine, Map<String, Value> fields, PolicyInput policy) {
        String path = "tunnels." + label;
        int before = problems.size();
        for (Map.Entry<String, Value> field : fields.entrySet()) {
            if (!ENTRY_KEYS.contains(field.getKey())) {
                problem(
                        field.getValue().line(),
                        path + "." + field.getKey(),
                        "unknown key; a tunnel takes " + String.join(", ", ENTRY_KEYS));
            }
        }
        Value type = fields.get("type");
        Value upstream = fields.get("upstream");
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
            only(fields, path, "tcp", "port", "private", "name");
        } else if ("tcp".equals(kind)) {
            only(
                    fields,
                    path,
                    "http",
                    "subdomain",
                    "host-header",
                    "upstream-basic-auth",
                    "upstream-tls",
                    "upstream-tls-verify",
                    "upstream-protocol",
                    "policy");
        } else if ("tls".equals(kind)) {
            only(fields, path, "tcp", "port", "private", "name");
            only(
                    fields,
                    path,
                    "http",
                    "host-header",
                    "upstream-basic-auth",
                    "upstream-tls",
                    "upstream-tls-verify",
                    "upstream-protocol",
                    "policy");
        } else if ("udp".equals(kind)) {
            only(
                    fields,
                    path,
                    "http",
                    "subdomain",
                    "host-header",
                    "upstream-basic-auth",
                    "upstream-tls",
                    "upstream-tls-verify",
                    "policy");
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
            return;
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
            tunnels.add(new TunnelEntry(label, spec));
        } catch (IllegalArgumentException e) {
            problem(labelLine, path, e.getMessage());
        }
    }

    /** Two entries asking for the same name or port would fight over it. */
    private void duplicates() {
        Map<String, String> owners = new HashMap<>();
        for (TunnelEntry entry : tunnels) {
            TunnelSpec spec = entry.spec();
            String claim = !spec.name().isEmpty()
                    ? spec.kind() + " name '" + spec.name() + "'"
                    : spec.port() > 0 ? "port " + spec.port() : null;
            if (claim == null) {
                continue;
            }
            String other = owners.putIfAbsent(claim, entry.label());
            if (other != null) {
                problem(0, "tunnels." + entry.label(), "asks for the same " + claim + " as '" + other + "'");
            }
        }
    }

    private void only(Map<String, Value> fields, String path, String otherKind, String... keys) {
        for (String key : keys) {
            Value value = fields.get(key);
            if (value != null) {
                problem(value.line(), path + "." + key, "is for " + otherKind + " tunnels only");
            }
        }
    }

    private Value scalar(JsonParser parser, String key, int line) throws IOException {
        JsonToken token = parser.currentToken();
        if (token.isStructStart()) {
            problem(line, key, "must be a single value, not a list or a mapping");
            parser.skipChildren();
            return null;
        }
        if (token == JsonToken.VALUE_NULL) {
            problem(line, key, "has no value");
            return null;
        }
        return new Value(parser.getText(), token, line);
    }

    private Integer number(Value value, String key) {
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

    private Boolean bool(Value value, String key) {
        if (value == null) {
            return null;
        }
        if (value.token() == JsonToken.VALUE_TRUE || value.token() == JsonToken.VALUE_FALSE) {
            return value.token() == JsonToken.VALUE_TRUE;
        }
        problem(value.line(), key, "must be true or false, was '" + value.text() + "'");
        return null;
    }

    private static String text(Value value) {
        return value == null ? null : value.text();
    }

    /** SnakeYAML's message spans lines with excerpts and carets; keep its sentences. */
    private static String oneLine(String message) {
        return message.lines()
                .filter(line -> !line.isBlank() && !Character.isWhitespace(line.charAt(0)))
                .collect(java.util.stream.Collectors.joining("; "));
    }

    private static int line(JsonParser parser) {
        return parser.currentTokenLocation().getLineNr();
    }

    private void problem(int line, String key, String message) {
        problems.add(new ConfigProblem(line, key, message));
    }
}
