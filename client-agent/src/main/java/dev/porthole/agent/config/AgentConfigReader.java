package dev.porthole.agent.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.porthole.agent.policy.PolicyInput;
import dev.porthole.agent.tunnel.TunnelSpec;
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
 * whole file before answering: all mistakes are reported at once, not only the first. The keys
 * of each tunnel entry are checked by {@link TunnelEntryReader}.
 */
public final class AgentConfigReader {

    private static final Pattern LABEL = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,62}");
    private static final YAMLFactory YAML = new YAMLFactory();

    private final List<ConfigProblem> problems = new ArrayList<>();
    private final List<TunnelEntry> tunnels = new ArrayList<>();
    private final TunnelEntryReader entryReader = new TunnelEntryReader(problems);
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
                    YamlScalar value = scalar(parser, key, line);
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
            Map<String, YamlScalar> fields = new LinkedHashMap<>();
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
                    fields.putIfAbsent(key, new YamlScalar("", JsonToken.START_OBJECT, keyLine));
                    continue;
                }
                YamlScalar value = scalar(parser, path + "." + key, keyLine);
                if (value != null && fields.putIfAbsent(key, value) != null) {
                    problem(keyLine, path + "." + key, "appears twice; keep one");
                }
            }
            TunnelEntry entry = entryReader.read(label, labelLine, fields, policy);
            if (entry != null) {
                tunnels.add(entry);
            }
        }
        if (entries == 0) {
            problem(line, "tunnels", "is empty; list at least one tunnel");
        }
        duplicates();
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

    private YamlScalar scalar(JsonParser parser, String key, int line) throws IOException {
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
        return new YamlScalar(parser.getText(), token, line);
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
