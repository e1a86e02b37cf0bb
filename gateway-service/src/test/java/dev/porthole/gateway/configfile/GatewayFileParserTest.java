package dev.porthole.gateway.configfile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.porthole.gateway.auth.StaticCredential;
import dev.porthole.gateway.limits.LimitSettings;
import dev.porthole.protocol.auth.Principal;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every key of the configuration file, and every kind of mistake named with its line and key. */
class GatewayFileParserTest {

    private static final LimitSettings BASE = new LimitSettings(0, 0, 0, 0, 1000, 0, 100L << 20);

    private static GatewayFile parse(String yaml) throws GatewayFileException {
        return GatewayFileParser.parse("porthole.yml", yaml, BASE);
    }

    private static List<String> problems(String yaml) {
        return catchThrowableOfType(GatewayFileException.class, () -> parse(yaml))
                .problems();
    }

    @Test
    void readsEveryKey() throws Exception {
        GatewayFile file = parse("""
                domain: tunnels.example.com
                ports: { http: 8080, tcp-range: 20000-20099 }
                tokens: [ "token-a-0123456789" ]
                clients:
                  - id: team-a
                    token: "team-a-token-0123456789"
                    subdomains: [ "api", "web-*" ]
                    max-tunnels: 5
                    bandwidth: { upload: 1MiB, download: 5M }
                limits:
                  bandwidth: { upload: 50MiB, download: 100MB, client-upload: 1KiB, client-download: 2048 }
                  streams-per-tunnel: 10
                  requests-per-second-per-tunnel: 100
                  max-body-size: 1GiB
                """);
        assertThat(file.domain()).hasValue("tunnels.example.com");
        assertThat(file.httpPort()).hasValue(8080);
        assertThat(file.tcpPortRange()).hasValue("20000-20099");
        List<StaticCredential> credentials = file.credentials().orElseThrow();
        assertThat(credentials)
                .extracting(credential -> StaticCredential.HASHED + credential.sha256Hex())
                .containsExactly(
                        StaticCredential.hashed("token-a-0123456789"),
                        StaticCredential.hashed("team-a-token-0123456789"));
        Principal team = credentials.get(1).principal();
        assertThat(team.clientId()).isEqualTo("team-a");
        assertThat(team.grants().allowsSubdomain("web-1")).isTrue();
        assertThat(team.grants().allowsSubdomain("db")).isFalse();
        assertThat(team.grants().maxTunnels()).isEqualTo(5);
        assertThat(team.grants().uploadBytesPerSecond()).isEqualTo(1L << 20);
        assertThat(team.grants().downloadBytesPerSecond()).isEqualTo(5L << 20);
        assertThat(credentials.get(0).principal().grants().allowsSubdomain("anything"))
                .isTrue();
        assertThat(file.limits()).isEqualTo(new LimitSettings(50L << 20, 100L << 20, 1024, 2048, 10, 100, 1L << 30));
    }

    @Test
    void takesATokenWrittenAsItsHash() throws Exception {
        String hashed = StaticCredential.hashed("token-a-0123456789");
        GatewayFile file = parse("tokens: [ \"" + hashed + "\" ]\n");
        assertThat(file.credentials().orElseThrow())
                .singleElement()
                .satisfies(credential -> assertThat(StaticCredential.HASHED + credential.sha256Hex())
                        .isEqualTo(hashed));
    }

    @Test
    void namesEveryBadTokenOfAListWithHashes() {
        String hashed = StaticCredential.hashed("token-a-0123456789");
        assertThat(problems("tokens: [ \"sha256:ABC\", \"token-a-0123456789\", \"" + hashed + "\" ]\n"))
                .containsExactly(
                        "porthole.yml line 1: tokens[0]: a token written as its hash is 'sha256:' and 64 lower-case hex digits (sha256sum of the token)",
                        "porthole.yml line 1: tokens[2]: this token is listed twice; every token must be unique");
    }

    @Test
    void keysLeftOutKeepTheGatewaysOwnSettings() throws Exception {
        GatewayFile file = parse("limits:\n  streams-per-tunnel: 7\n");
        assertThat(file.credentials()).isEmpty();
        assertThat(file.limits()).isEqualTo(new LimitSettings(0, 0, 0, 0, 7, 0, 100L << 20));
        assertThat(parse("").limits()).isEqualTo(BASE);
    }

    @Test
    void namesTheLineAndKeyOfABadSize() {
        assertThat(problems("""
                tokens: [ "token-a-0123456789" ]
                limits:
                  streams-per-tunnel: 10
                  max-body-size: lots
                """))
                .containsExactly("porthole.yml line 4: limits.max-body-size: \"lots\" is not a size like 10MiB");
    }

    @Test
    void reportsEveryMistakeAtOnce() {
        assertThat(problems("""
                domain: Not_A_Domain
                ports: { http: 70000, tcp-range: 30-20 }
                tokens: [ "short" ]
                clients:
                  - id: Team A
                    subdomains: [ "bad_name" ]
                    max-tunnels: -1
                    bandwidth: { upload: fast, sideways: 1 }
                limits:
                  bandwidth: { upload: 1XB }
                  streams-per-tunnel: 0
                  requests-per-second-per-tunnel: "many"
                  max-body-size: 0
                  colour: blue
                notification:
                  slack: https://hooks.example.com
                """))
                .containsExactlyInAnyOrder(
                        "porthole.yml line 15: notification: unknown key: notification-service reads its own settings (PORTHOLE_NOTIFY_*,"
                                + " see docs/notification-service.md); the gateway only publishes events",
                        "porthole.yml line 1: domain: \"Not_A_Domain\" is not a lower-case DNS name",
                        "porthole.yml line 2: ports.http: \"70000\" is not a whole number from 1 to 65535",
                        "porthole.yml line 2: ports.tcp-range: " + rangeProblem("30-20"),
                        "porthole.yml line 3: tokens[0]: a token must be at least 16 characters",
                        "porthole.yml line 5: clients[0].id: \"Team A\" is not a client id (lower-case letters, digits, '.', '_', '-'; up to 63)",
                        "porthole.yml line 5: clients[0]: 'token' is missing",
                        "porthole.yml line 6: clients[0].subdomains[0]: \"bad_name\": "
                                + dev.porthole.protocol.registry.TunnelNames.problem("bad_name"),
                        "porthole.yml line 7: clients[0].max-tunnels: \"-1\" is not a whole number from 0 to 1000000",
                        "porthole.yml line 8: clients[0].bandwidth.sideways: unknown key; known here: download, upload",
                        "porthole.yml line 8: clients[0].bandwidth.upload: \"fast\" is not a size like 10MiB",
                        "porthole.yml line 14: limits.colour: unknown key; known here: bandwidth, max-body-size, requests-per-second-per-tunnel, streams-per-tunnel",
                        "porthole.yml line 10: limits.bandwidth.upload: \"1XB\" is not a size like 10MiB",
                        "porthole.yml line 11: limits.streams-per-tunnel: \"0\" is not a whole number from 1 to 1000000",
                        "porthole.yml line 12: limits.requests-per-second-per-tunnel: \"many\" is not a whole number from 0 to 1000000",
                        "porthole.yml line 13: limits.max-body-size: must be more than 0");
    }

    @Test
    void rejectsTextThatIsNotYaml() {
        assertThat(problems("tokens: [ \"a\"\nlimits: {"))
                .singleElement()
                .asString()
                .startsWith("porthole.yml line ")
                .contains("not valid YAML");
    }

    @Test
    void rejectsAFileThatIsNotAMapping() {
        assertThat(problems("- just\n- a list\n"))
                .containsExactly(
                        "porthole.yml line 1: the file must be a mapping of keys (domain, tokens, clients, limits, ...), not a list");
    }

    @Test
    void rejectsWrongShapes() {
        assertThat(problems("tokens: token-a-0123456789\nclients: { id: x }\nlimits: [ 1 ]\n"))
                .containsExactly(
                        "porthole.yml line 1: tokens: must be a list, not \"token-a-0123456789\"",
                        "porthole.yml line 2: clients: must be a list, not a mapping",
                        "porthole.yml line 3: limits: must be a mapping of keys, not a list");
    }

    @Test
    void rejectsADuplicateToken() {
        assertThat(problems("""
                tokens: [ "token-a-0123456789", "token-a-0123456789" ]
                """))
                .containsExactly(
                        "porthole.yml line 1: tokens[1]: this token is listed twice; every token must be unique");
    }

    @Test
    void rejectsADuplicateClient() {
        assertThat(problems("""
                clients:
                  - { id: a, token: "client-token-0123456789" }
                  - { id: a, token: "client-token-9876543210" }
                """)).containsExactly("porthole.yml line 3: clients[1].id: client \"a\" is listed twice");
    }

    @Test
    void refusesToOpenTheGatewayWithAnEmptyTokenList() {
        assertThat(problems("tokens: []\n"))
                .singleElement()
                .asString()
                .startsWith("porthole.yml line 1: tokens: no token left: that would let anyone in (public mode)");
    }

    @Test
    void readsSizesInEveryNotation() {
        com.fasterxml.jackson.databind.node.JsonNodeFactory nodes =
                com.fasterxml.jackson.databind.node.JsonNodeFactory.instance;
        assertThat(FileChecks.size(nodes.textNode("10MiB"))).isEqualTo(10L << 20);
        assertThat(FileChecks.size(nodes.textNode("10 MB"))).isEqualTo(10L << 20);
        assertThat(FileChecks.size(nodes.textNode("10m"))).isEqualTo(10L << 20);
        assertThat(FileChecks.size(nodes.textNode("3K"))).isEqualTo(3072L);
        assertThat(FileChecks.size(nodes.textNode("5B"))).isEqualTo(5L);
        assertThat(FileChecks.size(nodes.numberNode(42))).isEqualTo(42L);
        assertThat(FileChecks.size(nodes.textNode("5iB"))).isNull();
        assertThat(FileChecks.size(nodes.textNode("-5M"))).isNull();
        assertThat(FileChecks.size(nodes.numberNode(-1))).isNull();
    }

    private static String rangeProblem(String range) {
        try {
            dev.porthole.gateway.config.PortRange.parse(range);
            throw new AssertionError(range + " parsed");
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
    }
}
