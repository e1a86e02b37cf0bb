package dev.porthole.gateway.configfile;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.porthole.gateway.auth.StaticCredential;
import dev.porthole.gateway.config.PortRange;
import dev.porthole.gateway.limits.LimitSettings;
import dev.porthole.protocol.auth.AuthMethod;
import dev.porthole.protocol.auth.Grants;
import dev.porthole.protocol.auth.Principal;
import dev.porthole.protocol.registry.TunnelNames;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads the gateway's YAML configuration file and checks every key, collecting every mistake with
 * its line and key path instead of stopping at the first.
 */
public final class GatewayFileParser {

    /** Shortest static token, as for {@code porthole.gateway.auth.tokens}. */
    static final int MIN_TOKEN_LENGTH = 16;

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Pattern CLIENT_ID = Pattern.compile("[a-z0-9][a-z0-9._-]{0,62}");
    private static final Set<String> TOP = Set.of("domain", "ports", "tokens", "clients", "limits");
    private static final Set<String> PORTS = Set.of("http", "tcp-range");
    private static final Set<String> CLIENT = Set.of("id", "token", "subdomains", "max-tunnels", "bandwidth");
    private static final Set<String> CLIENT_BANDWIDTH = Set.of("upload", "download");
    private static final Set<String> LIMITS =
            Set.of("bandwidth", "streams-per-tunnel", "requests-per-second-per-tunnel", "max-body-size");
    private static final Set<String> LIMIT_BANDWIDTH = Set.of("upload", "download", "client-upload", "client-download");

    private final FileChecks checks;

    private GatewayFileParser(FileChecks checks) {
        this.checks = checks;
    }

    /**
     * Parses {@code text}.
     *
     * @param source the file name used in messages
     * @param base the limits in force without a file (keys the file leaves out keep these)
     * @throws GatewayFileException with every mistake found
     */
    public static GatewayFile parse(String source, String text, LimitSettings base) throws GatewayFileException {
        JsonNode root;
        Map<String, Integer> lines = new HashMap<>();
        try {
            root = YAML.readTree(text);
            try (JsonParser parser = YAML.getFactory().createParser(text)) {
                if (parser.nextToken() != null) {
                    recordLines(parser, "", lines);
                }
            }
        } catch (JsonProcessingException e) {
            int line = e.getLocation() == null ? 0 : e.getLocation().getLineNr();
            throw new GatewayFileException(
                    List.of(source + " line " + line + ": not valid YAML: " + e.getOriginalMessage()));
        } catch (IOException e) {
            throw new GatewayFileException(List.of(source + ": cannot be read: " + e.getMessage()));
        }
        FileChecks checks = new FileChecks(source, lines);
        GatewayFile file = new GatewayFileParser(checks)
                .check(root == null || root.isMissingNode() || root.isNull() ? YAML.createObjectNode() : root, base);
        if (!checks.problems().isEmpty()) {
            throw new GatewayFileException(checks.problems());
        }
        return file;
    }

    /** The line of every key and list item, by path ({@code limits.max-body-size}, {@code clients[0].token}). */
    private static void recordLines(JsonParser parser, String path, Map<String, Integer> lines) throws IOException {
        lines.putIfAbsent(path, parser.currentTokenLocation().getLineNr());
        JsonToken token = parser.currentToken();
        if (token == JsonToken.START_OBJECT) {
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String child = path.isEmpty() ? parser.currentName() : path + "." + parser.currentName();
                lines.put(child, parser.currentTokenLocation().getLineNr());
                parser.nextToken();
                recordLines(parser, child, lines);
            }
        } else if (token == JsonToken.START_ARRAY) {
            int index = 0;
            while (parser.nextToken() != JsonToken.END_ARRAY) {
                recordLines(parser, path + "[" + index++ + "]", lines);
            }
        }
    }

    private GatewayFile check(JsonNode root, LimitSettings base) {
        if (!root.isObject()) {
            checks.problem(
                    "",
                    "the file must be a mapping of keys (domain, tokens, clients, limits, ...), not "
                            + FileChecks.describe(root));
            return null;
        }
        checks.knownKeys(root, "", TOP);
        Optional<String> domain = Optional.ofNullable(root.get("domain"))
                .map(node -> checks.text(node, "domain"))
                .filter(d -> {
                    boolean valid = d.matches("[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?");
                    if (!valid) {
                        checks.problem("domain", FileChecks.quote(d) + " is not a lower-case DNS name");
                    }
                    return valid;
                });
        Optional<Integer> httpPort = Optional.empty();
        Optional<String> tcpRange = Optional.empty();
        JsonNode ports = root.get("ports");
        if (ports != null && checks.mapping(ports, "ports")) {
            checks.knownKeys(ports, "ports", PORTS);
            httpPort = Optional.ofNullable(ports.get("http")).map(node -> checks.integer(node, "ports.http", 1, 65535));
            tcpRange = Optional.ofNullable(ports.get("tcp-range"))
                    .map(node -> checks.text(node, "ports.tcp-range"))
                    .filter(range -> {
                        try {
                            PortRange.parse(range);
                            return true;
                        } catch (IllegalArgumentException e) {
                            checks.problem("ports.tcp-range", e.getMessage());
                            return false;
                        }
                    });
        }
        Optional<List<StaticCredential>> credentials = root.has("tokens") || root.has("clients")
                ? Optional.of(credentials(root.get("tokens"), root.get("clients")))
                : Optional.empty();
        if (credentials.filter(List::isEmpty).isPresent() && checks.problems().isEmpty()) {
            checks.problem(
                    root.has("tokens") ? "tokens" : "clients",
                    "no token left: that would let anyone in (public mode); to run a public"
                            + " gateway remove both 'tokens' and 'clients' from the file and leave PORTHOLE_GATEWAY_AUTH_TOKENS empty");
        }
        LimitSettings limits = limits(root.get("limits"), base);
        return new GatewayFile(domain, httpPort, tcpRange, credentials, limits);
    }

    private List<StaticCredential> credentials(JsonNode tokens, JsonNode clients) {
        List<StaticCredential> credentials = new ArrayList<>();
        Set<String> seenTokens = new HashSet<>();
        if (tokens != null && checks.sequence(tokens, "tokens")) {
            for (int i = 0; i < tokens.size(); i++) {
                String path = "tokens[" + i + "]";
                String token = token(tokens.get(i), path, seenTokens);
                if (token != null) {
                    credentials.add(StaticCredential.of(
                            token,
                            new Principal(
                                    "token-" + (i + 1), AuthMethod.STATIC_TOKEN, Grants.unrestricted(), 0, null)));
                }
            }
        }
        Set<String> ids = new HashSet<>();
        if (clients != null && checks.sequence(clients, "clients")) {
            for (int i = 0; i < clients.size(); i++) {
                String path = "clients[" + i + "]";
                JsonNode client = clients.get(i);
                if (!checks.mapping(client, path)) {
                    continue;
                }
                checks.knownKeys(client, path, CLIENT);
                String id = checks.required(client, path, "id") ? checks.text(client.get("id"), path + ".id") : null;
                if (id != null && !CLIENT_ID.matcher(id).matches()) {
                    checks.problem(
                            path + ".id",
                            FileChecks.quote(id)
                                    + " is not a client id (lower-case letters, digits, '.', '_', '-'; up to 63)");
                    id = null;
                } else if (id != null && !ids.add(id)) {
                    checks.problem(path + ".id", "client " + FileChecks.quote(id) + " is listed twice");
                }
                String token = checks.required(client, path, "token")
                        ? token(client.get("token"), path + ".token", seenTokens)
                        : null;
                List<String> subdomains = subdomains(client.get("subdomains"), path + ".subdomains");
                Integer maxTunnels = client.has("max-tunnels")
                        ? checks.integer(client.get("max-tunnels"), path + ".max-tunnels", 0, 1_000_000)
                        : Integer.valueOf(0);
                long upload = 0;
                long download = 0;
                JsonNode bandwidth = client.get("bandwidth");
                if (bandwidth != null && checks.mapping(bandwidth, path + ".bandwidth")) {
                    checks.knownKeys(bandwidth, path + ".bandwidth", CLIENT_BANDWIDTH);
                    upload = checks.optionalSize(bandwidth.get("upload"), path + ".bandwidth.upload", 0);
                    download = checks.optionalSize(bandwidth.get("download"), path + ".bandwidth.download", 0);
                }
                if (id != null && token != null && maxTunnels != null && subdomains != null) {
                    Grants grants = new Grants(
                            subdomains, true, List.of(), 0, List.of(), List.of(), maxTunnels, 0, upload, download);
                    credentials.add(
                            StaticCredential.of(token, new Principal(id, AuthMethod.STATIC_TOKEN, grants, 0, null)));
                }
            }
        }
        return credentials;
    }

    private LimitSettings limits(JsonNode limits, LimitSettings base) {
        if (limits == null || !checks.mapping(limits, "limits")) {
            return base;
        }
        checks.knownKeys(limits, "limits", LIMITS);
        long upload = base.uploadBytesPerSecond();
        long download = base.downloadBytesPerSecond();
        long clientUpload = base.clientUploadBytesPerSecond();
        long clientDownload = base.clientDownloadBytesPerSecond();
        JsonNode bandwidth = limits.get("bandwidth");
        if (bandwidth != null && checks.mapping(bandwidth, "limits.bandwidth")) {
            checks.knownKeys(bandwidth, "limits.bandwidth", LIMIT_BANDWIDTH);
            upload = checks.optionalSize(bandwidth.get("upload"), "limits.bandwidth.upload", upload);
            download = checks.optionalSize(bandwidth.get("download"), "limits.bandwidth.download", download);
            clientUpload =
                    checks.optionalSize(bandwidth.get("client-upload"), "limits.bandwidth.client-upload", clientUpload);
            clientDownload = checks.optionalSize(
                    bandwidth.get("client-download"), "limits.bandwidth.client-download", clientDownload);
        }
        Integer streams = limits.has("streams-per-tunnel")
                ? checks.integer(limits.get("streams-per-tunnel"), "limits.streams-per-tunnel", 1, 1_000_000)
                : Integer.valueOf(base.streamsPerTunnel());
        Integer rate = limits.has("requests-per-second-per-tunnel")
                ? checks.integer(
                        limits.get("requests-per-second-per-tunnel"),
                        "limits.requests-per-second-per-tunnel",
                        0,
                        1_000_000)
                : Integer.valueOf(base.requestsPerSecondPerTunnel());
        long maxBody = checks.optionalSize(limits.get("max-body-size"), "limits.max-body-size", base.maxBodySize());
        if (maxBody == 0) {
            checks.problem("limits.max-body-size", "must be more than 0");
        }
        if (streams == null || rate == null || maxBody == 0) {
            return base;
        }
        return new LimitSettings(upload, download, clientUpload, clientDownload, streams, rate, maxBody);
    }

    // ---- single values ----

    private String token(JsonNode node, String path, Set<String> seen) {
        String token = checks.text(node, path);
        if (token == null) {
            return null;
        }
        if (StaticCredential.isHashed(token) && !StaticCredential.isWellFormedHash(token)) {
            checks.problem(
                    path,
                    "a token written as its hash is 'sha256:' and 64 lower-case hex digits (sha256sum of the token)");
            return null;
        }
        if (!StaticCredential.isHashed(token) && token.length() < MIN_TOKEN_LENGTH) {
            checks.problem(path, "a token must be at least " + MIN_TOKEN_LENGTH + " characters");
            return null;
        }
        if (!seen.add(StaticCredential.hashed(token))) {
            checks.problem(path, "this token is listed twice; every token must be unique");
            return null;
        }
        return token;
    }

    private List<String> subdomains(JsonNode node, String path) {
        if (node == null) {
            return List.of();
        }
        if (!checks.sequence(node, path)) {
            return null;
        }
        List<String> patterns = new ArrayList<>();
        boolean valid = true;
        for (int i = 0; i < node.size(); i++) {
            String pattern = checks.text(node.get(i), path + "[" + i + "]");
            if (pattern == null) {
                valid = false;
                continue;
            }
            String name = pattern.endsWith("*")
                    ? pattern.substring(0, pattern.length() - 1).replaceAll("-$", "")
                    : pattern;
            String problem = name.isEmpty() ? null : TunnelNames.problem(name.toLowerCase(Locale.ROOT));
            if (problem != null) {
                checks.problem(path + "[" + i + "]", FileChecks.quote(pattern) + ": " + problem);
                valid = false;
            } else {
                patterns.add(pattern.toLowerCase(Locale.ROOT));
            }
        }
        return valid ? patterns : null;
    }
}
