package dev.porthole.agent.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.porthole.agent.tunnel.TunnelSpec;
import dev.porthole.agent.upstream.UpstreamAddress;
import dev.porthole.agent.upstream.UpstreamHttpOptions;
import dev.porthole.protocol.message.TunnelKind;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** porthole.yml as start and config check read it: what it yields, and every mistake with line and key. */
class AgentConfigReaderTest {

    private static AgentConfig parse(String yaml) throws InvalidConfigException {
        return AgentConfigReader.parse("porthole.yml", yaml);
    }

    private static List<String> mistakes(String yaml) {
        try {
            parse(yaml);
        } catch (InvalidConfigException e) {
            return e.lines();
        }
        throw new AssertionError("expected mistakes in:\n" + yaml);
    }

    @Test
    void readsHaAndSaysNothingWhenTheFileDoesNot() throws Exception {
        String tunnels = """
                tunnels:
                  web:
                    type: http
                    upstream: 3000
                """;
        assertThat(parse("ha: true\n" + tunnels).ha()).isTrue();
        assertThat(parse("ha: false\n" + tunnels).ha()).isFalse();
        assertThat(parse(tunnels).ha()).isNull();
        assertThat(mistakes("ha: sometimes\n" + tunnels))
                .containsExactly(
                        "porthole.yml:1: ha: must be true or false (two connections to two gateway instances, like --ha)");
    }

    @Test
    void readsHttpTcpAndPrivateTunnelsInFileOrder() throws Exception {
        AgentConfig config = parse("""
                server: http://gw.example.com:8080
                tunnels:
                  web:
                    type: http
                    upstream: 3000
                    subdomain: api
                  ssh:
                    type: tcp
                    upstream: localhost:22
                    port: 20022
                  db:
                    type: tcp
                    upstream: "[::1]:5432"
                    private: true
                    name: db
                """);
        assertThat(config.server()).isEqualTo("http://gw.example.com:8080");
        assertThat(config.tunnels()).extracting(TunnelEntry::label).containsExactly("web", "ssh", "db");
        assertThat(config.tunnels().get(0).spec().kind()).isEqualTo(TunnelKind.HTTP);
        assertThat(config.tunnels().get(0).spec().name()).isEqualTo("api");
        assertThat(config.tunnels().get(0).spec().upstream()).isEqualTo(new UpstreamAddress("127.0.0.1", 3000));
        assertThat(config.tunnels().get(1).spec().port()).isEqualTo(20022);
        assertThat(config.tunnels().get(2).spec().privateTunnel()).isTrue();
        assertThat(config.tunnels().get(2).spec().upstream()).isEqualTo(new UpstreamAddress("::1", 5432));
    }

    @Test
    void readsATlsPassthroughTunnelWhichNeedsASubdomain() throws Exception {
        AgentConfig config = parse("""
                tunnels:
                  secure:
                    type: tls
                    upstream: 8443
                    subdomain: app
                """);
        assertThat(config.tunnels().getFirst().spec().kind()).isEqualTo(TunnelKind.TLS);
        assertThat(config.tunnels().getFirst().spec().name()).isEqualTo("app");
        assertThat(mistakes("""
                tunnels:
                  secure:
                    type: tls
                    upstream: 8443
                """))
                .singleElement()
                .asString()
                .contains("tunnels.secure")
                .contains("a TLS tunnel needs 'subdomain' NAME");
    }

    @Test
    void theExampleThatConfigInitWritesIsValid() throws Exception {
        String example;
        try (InputStream in = AgentConfigReaderTest.class.getResourceAsStream("/config/porthole.example.yml")) {
            example = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertThat(parse(example).tunnels()).extracting(TunnelEntry::label).containsExactly("web", "ssh", "db");
    }

    @Test
    void reportsEveryMistakeWithItsLineAndKey() {
        List<String> lines = mistakes("""
                tunnels:
                  web:
                    type: http
                    upstream: 3000
                    port: 80
                  ssh:
                    type: tcp
                    upstream: not-a-port
                  db:
                    type: tcp
                    upstream: 5432
                    private: yes-please
                  other:
                    type: sctp
                    upstream: 53
                    colour: blue
                """);
        assertThat(lines)
                .containsExactlyInAnyOrder(
                        "porthole.yml:5: tunnels.web.port: is for tcp tunnels only",
                        "porthole.yml:8: tunnels.ssh.upstream: 'not-a-port': expected port, host:port or [ipv6]:port",
                        "porthole.yml:12: tunnels.db.private: must be true or false, was 'yes-please'",
                        "porthole.yml:14: tunnels.other.type: must be 'http', 'tcp', 'tls' or 'udp', was 'sctp'",
                        "porthole.yml:16: tunnels.other.colour: unknown key; a tunnel takes type, upstream, subdomain, host-header, upstream-basic-auth, "
                                + "upstream-tls, upstream-tls-verify, upstream-protocol, policy, port, private, name");
    }

    @Test
    void readsTheUpstreamProtocolAndNamesABadOne() throws Exception {
        assertThat(parse("""
                        tunnels:
                          grpc:
                            type: http
                            upstream: 50051
                            upstream-protocol: h2c
                        """).tunnels().getFirst().spec().http().protocol())
                .isEqualTo(dev.porthole.agent.upstream.UpstreamProtocol.H2C);
        assertThat(mistakes("""
                        tunnels:
                          grpc:
                            type: http
                            upstream: 50051
                            upstream-protocol: h3
                        """))
                .singleElement()
                .asString()
                .contains("'upstream-protocol' must be one of http1, h2c, h2, was 'h3'");
    }

    @Test
    void readsAUdpTunnelAndRefusesWhatOnlyOtherKindsTake() throws Exception {
        TunnelSpec dns = parse("""
                        tunnels:
                          dns:
                            type: udp
                            upstream: 53
                            port: 20053
                        """).tunnels().getFirst().spec();
        assertThat(dns.kind()).isEqualTo(TunnelKind.UDP);
        assertThat(dns.port()).isEqualTo(20053);
        assertThat(mistakes("""
                        tunnels:
                          dns:
                            type: udp
                            upstream: 53
                            subdomain: dns
                            upstream-tls: true
                        """))
                .containsExactlyInAnyOrder(
                        "porthole.yml:5: tunnels.dns.subdomain: is for http tunnels only",
                        "porthole.yml:6: tunnels.dns.upstream-tls: is for http tunnels only");
    }

    @Test
    void readsAPrivateUdpTunnelByTheTcpRules() throws Exception {
        TunnelSpec dns = parse("""
                        tunnels:
                          dns:
                            type: udp
                            upstream: 53
                            private: true
                            name: dns
                        """).tunnels().getFirst().spec();
        assertThat(dns.kind()).isEqualTo(TunnelKind.UDP);
        assertThat(dns.privateTunnel()).isTrue();
        assertThat(dns.name()).isEqualTo("dns");
        assertThat(mistakes("""
                        tunnels:
                          dns:
                            type: udp
                            upstream: 53
                            private: true
                        """))
                .containsExactly(
                        "porthole.yml:2: tunnels.dns: a private tunnel needs a name that others dial: 'private' with 'name' db");
    }

    @Test
    void appliesTheSameRulesAsTheTcpFlags() {
        assertThat(mistakes("""
                tunnels:
                  db:
                    type: tcp
                    upstream: 5432
                    private: true
                """))
                .containsExactly(
                        "porthole.yml:2: tunnels.db: a private tunnel needs a name that others dial: 'private' with 'name' db");
        assertThat(mistakes("""
                tunnels:
                  ssh:
                    type: tcp
                    upstream: 22
                    port: 70000
                """))
                .containsExactly(
                        "porthole.yml:2: tunnels.ssh: 'port' must be between 1 and 65535 (or 0 for any), was 70000");
    }

    @Test
    void readsTheUpstreamRequestOptionsOfHttpTunnels() throws Exception {
        AgentConfig config = parse("""
                tunnels:
                  web:
                    type: http
                    upstream: 8080
                    host-header: rewrite
                    upstream-basic-auth: alice:s3cret
                    upstream-tls: true
                    upstream-tls-verify: false
                """);
        UpstreamHttpOptions http = config.tunnels().get(0).spec().http();
        assertThat(http.tls()).isTrue();
        assertThat(http.tlsVerify()).isFalse();
        assertThat(http.host(new UpstreamAddress("127.0.0.1", 8080))).isEqualTo("127.0.0.1:8080");
        assertThat(http.authorization()).isEqualTo("Basic YWxpY2U6czNjcmV0");
        assertThat(mistakes("""
                tunnels:
                  ssh:
                    type: tcp
                    upstream: 22
                    host-header: example.com
                  web:
                    type: http
                    upstream: 80
                    upstream-basic-auth: no-colon
                  plain:
                    type: http
                    upstream: 81
                    upstream-tls-verify: false
                """))
                .containsExactly(
                        "porthole.yml:5: tunnels.ssh.host-header: is for http tunnels only",
                        "porthole.yml:6: tunnels.web: 'upstream-basic-auth' must be user:password",
                        "porthole.yml:13: tunnels.plain.upstream-tls-verify: applies to HTTPS upstreams only; add 'upstream-tls: true'");
    }

    @Test
    void namesMissingKeysAndUnknownTopLevelKeys() {
        assertThat(mistakes("""
                sever: http://typo
                tunnels:
                  web:
                    subdomain: x
                """))
                .containsExactlyInAnyOrder(
                        "porthole.yml:1: sever: unknown key; the top level takes 'server', 'ha' and 'tunnels'",
                        "porthole.yml:3: tunnels.web.type: missing; write 'type: http', 'type: tcp', 'type: tls' or 'type: udp'",
                        "porthole.yml:3: tunnels.web.upstream: missing; write the local service, e.g. 'upstream: 3000' or 'upstream: localhost:8080'");
        assertThat(mistakes("server: http://gw\n"))
                .containsExactly(
                        "porthole.yml:1: tunnels: missing; list the tunnels to start (see 'porthole config init')");
        assertThat(mistakes("")).hasSize(1).first().asString().contains("the file is empty");
    }

    @Test
    void namesAndPortsFollowTheGatewaysRules() throws Exception {
        assertThat(mistakes("""
                tunnels:
                  web:
                    type: http
                    upstream: 3000
                    subdomain: my_app
                  long:
                    type: http
                    upstream: 3001
                    subdomain: %s
                  db:
                    type: tcp
                    upstream: 5432
                    private: true
                    name: -db
                  ssh:
                    type: tcp
                    upstream: 22
                    port: 70000
                """.formatted("a".repeat(64))))
                .containsExactly(
                        "porthole.yml:2: tunnels.web: subdomain 'my_app': a tunnel name may contain only lower-case letters, digits and inner hyphens,"
                                + " like 'my-app'",
                        "porthole.yml:6: tunnels.long: subdomain '" + "a".repeat(64)
                                + "': a tunnel name must be 1 to 63 characters long",
                        "porthole.yml:10: tunnels.db: 'name' '-db': a tunnel name may contain only lower-case letters, digits and inner hyphens,"
                                + " like 'my-app'",
                        "porthole.yml:15: tunnels.ssh: 'port' must be between 1 and 65535 (or 0 for any), was 70000");
        assertThat(parse("""
                tunnels:
                  web:
                    type: http
                    upstream: 3000
                    subdomain: My-App
                """).tunnels())
                .as("upper case is read as lower case, as the gateway does")
                .hasSize(1);
    }

    @Test
    void refusesTwoEntriesClaimingTheSameName() {
        assertThat(mistakes("""
                tunnels:
                  a:
                    type: http
                    upstream: 3000
                    subdomain: api
                  b:
                    type: http
                    upstream: 3001
                    subdomain: api
                """)).containsExactly("porthole.yml: tunnels.b: asks for the same HTTP name 'api' as 'a'");
    }

    @Test
    void reportsBrokenYamlWithItsLine() {
        assertThat(mistakes("""
                tunnels:
                  web:
                    type: http
                   upstream: [3000
                """))
                .singleElement()
                .asString()
                .startsWith("porthole.yml:4: not valid YAML: ")
                .doesNotContain("\n");
    }

    @Test
    void aMissingFileSaysHowToCreateOne() {
        assertThatThrownBy(() -> AgentConfigReader.read(Path.of("target", "no-such-porthole.yml")))
                .isInstanceOfSatisfying(
                        InvalidConfigException.class,
                        e -> assertThat(e.lines())
                                .singleElement()
                                .asString()
                                .contains("no such file")
                                .contains("porthole config init"));
    }

    @Test
    void selectsTunnelsByNameAndRefusesUnknownNames() throws Exception {
        AgentConfig config = parse("""
                tunnels:
                  a: {type: http, upstream: 3000}
                  b: {type: tcp, upstream: 22}
                  c: {type: http, upstream: 3001}
                """);
        assertThat(config.select(List.of("c", "a")))
                .extracting(TunnelEntry::label)
                .containsExactly("a", "c");
        assertThat(config.select(List.of())).hasSize(3);
        assertThatThrownBy(() -> config.select(List.of("x")))
                .hasMessage("no tunnel 'x' in the configuration; it has: a, b, c");
    }
}
