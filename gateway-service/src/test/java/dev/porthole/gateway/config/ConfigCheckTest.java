package dev.porthole.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigCheckTest {

    @Test
    void theDefaultsAreValid() {
        assertThat(TestConfigs.problems(Map.of())).isEmpty();
    }

    @Test
    void reportsEveryKeyThatBreaksItsConstraintAtOnceWithItsEnvironmentVariable() {
        var problems = TestConfigs.problems(Map.of(
                "porthole.gateway.http.domain", "Not A Domain",
                "porthole.gateway.http.port", "70000",
                "porthole.gateway.http.event-loops", "0",
                "porthole.gateway.auth.tokens", "short"));
        assertThat(problems)
                .containsExactlyInAnyOrder(
                        "porthole.gateway.http.domain (PORTHOLE_GATEWAY_HTTP_DOMAIN) must be a lower-case DNS name",
                        "porthole.gateway.http.port (PORTHOLE_GATEWAY_HTTP_PORT) must be between 0 and 65535",
                        "porthole.gateway.http.event-loops (PORTHOLE_GATEWAY_HTTP_EVENT_LOOPS) must be greater than 0",
                        "porthole.gateway.auth.tokens[0] (PORTHOLE_GATEWAY_AUTH_TOKENS) a token must be at least 16 characters");
    }

    @Test
    void reportsEveryMistakeAcrossKeysAtOnceEachNamingItsKey() {
        var problems = TestConfigs.problems(Map.of(
                "porthole.gateway.heartbeat.interval", "10s",
                "porthole.gateway.heartbeat.timeout", "15s",
                "porthole.gateway.registry.ttl", "5s",
                "porthole.gateway.tunnel.max-frame-size", "1K",
                "porthole.gateway.udp.socket-receive-buffer", "1K"));
        assertThat(problems).hasSize(4);
        assertThat(problems)
                .anyMatch(p -> p.startsWith("porthole.gateway.heartbeat.timeout:") && p.contains("twice"))
                .anyMatch(p -> p.startsWith("porthole.gateway.registry.ttl:"))
                .anyMatch(p -> p.startsWith("porthole.gateway.tunnel.max-frame-size:"))
                .anyMatch(p ->
                        p.equals("porthole.gateway.udp.socket-receive-buffer: must be between 4K and 64M, was 1024"));
    }

    @Test
    void theSchemeIsHttpOrHttpsInAnyCaseAndNothingElseLoads() {
        assertThat(TestConfigs.gateway(Map.of("porthole.gateway.http.public-scheme", "HTTPS"))
                        .http()
                        .publicScheme())
                .hasValue(PublicScheme.HTTPS);
        assertThat(TestConfigs.gateway(Map.of("porthole.gateway.http.public-scheme", "http"))
                        .http()
                        .publicScheme())
                .hasValue(PublicScheme.HTTP);
        assertThatThrownBy(() -> TestConfigs.gateway(Map.of("porthole.gateway.http.public-scheme", "ftp")))
                .hasMessageContaining("porthole.gateway.http.public-scheme")
                .hasMessageContaining("ftp");
    }

    @Test
    void theStartUpRefusalNamesEachSettingAndItsEnvironmentVariable() {
        assertThat(StartupConfigCheck.logged(List.of("porthole.gateway.registry.ttl: must be at least twice"))
                        .getMessage())
                .isEqualTo("invalid gateway configuration:\n"
                        + "  porthole.gateway.registry.ttl (PORTHOLE_GATEWAY_REGISTRY_TTL): must be at least twice");
    }

    @Test
    void anOidcSessionAndDiscoveryMustLastAWhile() {
        assertThat(TestConfigs.problems(Map.of("porthole.gateway.policy.oidc-discovery-timeout", "0s")))
                .singleElement()
                .asString()
                .startsWith(
                        "porthole.gateway.policy.oidc-discovery-timeout (PORTHOLE_GATEWAY_POLICY_OIDC_DISCOVERY_TIMEOUT) must be longer than or equal to 1 milli");
        assertThat(TestConfigs.problems(Map.of("porthole.gateway.policy.oidc-session", "0s")))
                .singleElement()
                .asString()
                .startsWith(
                        "porthole.gateway.policy.oidc-session (PORTHOLE_GATEWAY_POLICY_OIDC_SESSION) must be longer than or equal to 1 second");
    }

    @Test
    void theInternalAddressMustBeAHostWithAnOptionalPort() {
        for (String bad : List.of("gateway-1:99999", "gateway-1:http", ":8080", "[fd00::1", "http://gateway-1:8080")) {
            assertThat(ConfigCheck.problems(
                            TestConfigs.gateway(Map.of("porthole.gateway.cluster.internal-address", bad))))
                    .as(bad)
                    .singleElement()
                    .asString()
                    .startsWith("porthole.gateway.cluster.internal-address: must be host, host:port");
        }
        for (String good : List.of("10.0.0.7:8080", "10.0.0.7", "gateway-1", "fd00::7", "[fd00::7]:8080")) {
            assertThat(ConfigCheck.problems(
                            TestConfigs.gateway(Map.of("porthole.gateway.cluster.internal-address", good))))
                    .as(good)
                    .isEmpty();
        }
        assertThat(InternalAddress.published("10.0.0.7", 8080)).isEqualTo("10.0.0.7:8080");
        assertThat(InternalAddress.published("fd00::7", 8080)).isEqualTo("[fd00::7]:8080");
        assertThat(InternalAddress.parse("[fd00::7]:8080").host()).isEqualTo("fd00::7");
        assertThat(InternalAddress.parse("gateway-2:9000").port()).isEqualTo(9000);
        assertThat(InternalAddress.parse("garbage"))
                .as("a published address always has a port")
                .isNull();
    }

    @Test
    void theNameTombstoneAndThePublicSessionCapsMayNotBeNegative() {
        assertThat(TestConfigs.problems(Map.of(
                        "porthole.gateway.registry.name-tombstone",
                        "-1s",
                        "porthole.gateway.auth.public-sessions-per-address",
                        "-1",
                        "porthole.gateway.auth.public-sessions",
                        "-2")))
                .hasSize(3)
                .anyMatch(
                        p -> p.startsWith(
                                "porthole.gateway.registry.name-tombstone (PORTHOLE_GATEWAY_REGISTRY_NAME_TOMBSTONE) must be 0s or more"))
                .contains(
                        "porthole.gateway.auth.public-sessions-per-address (PORTHOLE_GATEWAY_AUTH_PUBLIC_SESSIONS_PER_ADDRESS) must be greater than or equal to 0",
                        "porthole.gateway.auth.public-sessions (PORTHOLE_GATEWAY_AUTH_PUBLIC_SESSIONS) must be greater than or equal to 0");
        assertThat(TestConfigs.problems(Map.of(
                        "porthole.gateway.registry.name-tombstone",
                        "0s",
                        "porthole.gateway.auth.public-sessions",
                        "0")))
                .isEmpty();
    }

    @Test
    void theShutdownDelaysMayNotBeNegative() {
        assertThat(TestConfigs.problems(Map.of(
                        "porthole.gateway.shutdown.pre-drain-delay",
                        "-1s",
                        "porthole.gateway.shutdown.drain-timeout",
                        "-2s")))
                .hasSize(2)
                .anyMatch(
                        p -> p.startsWith(
                                "porthole.gateway.shutdown.pre-drain-delay (PORTHOLE_GATEWAY_SHUTDOWN_PRE_DRAIN_DELAY) must be 0s or more"))
                .anyMatch(
                        p -> p.startsWith(
                                "porthole.gateway.shutdown.drain-timeout (PORTHOLE_GATEWAY_SHUTDOWN_DRAIN_TIMEOUT) must be 0s or more"));
        assertThat(TestConfigs.problems(Map.of("porthole.gateway.shutdown.pre-drain-delay", "0s")))
                .isEmpty();
    }

    @Test
    void theAgentPathMayNotHideUnderThePathPrefix() {
        assertThat(TestConfigs.problems(Map.of("porthole.gateway.http.agent-path", "/t/agent")))
                .singleElement()
                .asString()
                .contains("must not lie under path-prefix");
    }

    @Test
    void namesTheKeyOfEveryBadSizeLimit() {
        var problems = TestConfigs.problems(Map.of(
                "porthole.gateway.limits.bandwidth.download", "0",
                "porthole.gateway.limits.bandwidth.client-upload", "0",
                "porthole.gateway.limits.max-body-size", "0"));
        assertThat(problems)
                .containsExactlyInAnyOrder(
                        "porthole.gateway.limits.bandwidth.download: must be positive, was 0",
                        "porthole.gateway.limits.bandwidth.client-upload: must be positive, was 0",
                        "porthole.gateway.limits.max-body-size: must be positive, was 0");
    }

    @Test
    void namesTheKeyOfEveryBadCountLimit() {
        var problems = TestConfigs.problems(Map.of(
                "porthole.gateway.limits.streams-per-tunnel", "0",
                "porthole.gateway.limits.requests-per-second-per-tunnel", "-1"));
        assertThat(problems)
                .containsExactlyInAnyOrder(
                        "porthole.gateway.limits.streams-per-tunnel (PORTHOLE_GATEWAY_LIMITS_STREAMS_PER_TUNNEL) must be greater than 0",
                        "porthole.gateway.limits.requests-per-second-per-tunnel (PORTHOLE_GATEWAY_LIMITS_REQUESTS_PER_SECOND_PER_TUNNEL) must be greater than 0");
    }

    @Test
    void limitSettingsFollowTheConfiguration() {
        var settings = dev.porthole.gateway.limits.LimitSettings.from(TestConfigs.gateway(Map.of(
                        "porthole.gateway.limits.bandwidth.download", "5M",
                        "porthole.gateway.limits.requests-per-second-per-tunnel", "20"))
                .limits());
        assertThat(settings.downloadBytesPerSecond()).isEqualTo(5L * 1024 * 1024);
        assertThat(settings.uploadBytesPerSecond()).isZero();
        assertThat(settings.requestsPerSecondPerTunnel()).isEqualTo(20);
        assertThat(settings.streamsPerTunnel()).isEqualTo(1000);
        assertThat(settings.maxBodySize()).isEqualTo(100L * 1024 * 1024);
        assertThat(settings.clientDownload(1000)).isEqualTo(1000);
        assertThat(settings.clientDownload(0)).isZero();
    }

    @Test
    void refusesAcmeWithoutAKeyToEncryptWhatItKeepsInRedis() {
        List<String> problems = TestConfigs.problems(Map.of(
                "porthole.gateway.tls.acme.directory-url", "https://acme-v02.api.letsencrypt.org/directory",
                "porthole.gateway.tls.redirect-port", "8085"));
        assertThat(problems)
                .singleElement()
                .asString()
                .startsWith("porthole.gateway.tls.acme.encryption-key: ACME is on")
                .contains("PORTHOLE_GATEWAY_TLS_ACME_ENCRYPTION_KEY")
                .contains("openssl rand -base64 32");

        assertThat(TestConfigs.problems(Map.of(
                        "porthole.gateway.tls.acme.directory-url", "https://ca.example/directory",
                        "porthole.gateway.tls.acme.encryption-key", "c2hvcnQ=")))
                .anyMatch(p -> p.equals(
                        "porthole.gateway.tls.acme.encryption-key: must be 32 bytes (AES-256) in base64, was 5 bytes;"
                                + " make one with: openssl rand -base64 32"))
                .anyMatch(p -> p.startsWith(
                        "porthole.gateway.tls.acme.directory-url: the CA checks HTTP-01 challenges over plain HTTP"))
                .hasSize(2);
    }

    @Test
    void refusesAnAcmeDirectoryThatIsNotHttpsAndAZeroOrderRate() {
        assertThat(TestConfigs.problems(Map.of(
                        "porthole.gateway.tls.acme.directory-url", "http://ca.example/directory",
                        "porthole.gateway.tls.acme.max-orders-per-hour", "0")))
                .containsExactlyInAnyOrder(
                        "porthole.gateway.tls.acme.directory-url (PORTHOLE_GATEWAY_TLS_ACME_DIRECTORY_URL) must be an https:// URL (or an acme4j acme:// URI)",
                        "porthole.gateway.tls.acme.max-orders-per-hour (PORTHOLE_GATEWAY_TLS_ACME_MAX_ORDERS_PER_HOUR) must be greater than 0");
    }

    @Test
    void aDns01SolverNeedsTheUrlOfItsApiAndReplacesTheRedirectPort() {
        String key = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";
        assertThat(TestConfigs.problems(Map.of(
                        "porthole.gateway.tls.acme.directory-url", "https://ca.example/directory",
                        "porthole.gateway.tls.acme.encryption-key", key,
                        "porthole.gateway.tls.acme.dns01.solver", "pebble-challtestsrv",
                        "porthole.gateway.tls.acme.dns01.url", "http://127.0.0.1:8055")))
                .as("no redirect port: DNS-01 needs no plain-HTTP listener")
                .isEmpty();
        assertThat(TestConfigs.problems(Map.of(
                        "porthole.gateway.tls.acme.directory-url", "https://ca.example/directory",
                        "porthole.gateway.tls.acme.encryption-key", key,
                        "porthole.gateway.tls.acme.dns01.solver", "pebble-challtestsrv")))
                .containsExactly(
                        "porthole.gateway.tls.acme.dns01.url: the DNS-01 solver pebble-challtestsrv needs the URL of its API"
                                + " (PORTHOLE_GATEWAY_TLS_ACME_DNS01_URL)");
        assertThat(TestConfigs.problems(Map.of(
                        "porthole.gateway.tls.acme.directory-url", "https://ca.example/directory",
                        "porthole.gateway.tls.acme.encryption-key", key,
                        "porthole.gateway.tls.redirect-port", "8085",
                        "porthole.gateway.tls.acme.dns01.url", "challtestsrv:8055")))
                .anyMatch(p -> p.startsWith("porthole.gateway.tls.acme.dns01.url: set tls.acme.dns01.solver too"))
                .anyMatch(
                        p -> p.equals(
                                "porthole.gateway.tls.acme.dns01.url: must be an http:// or https:// URL with a host, was challtestsrv:8055"));
    }

    @Test
    void clusterMtlsNeedsAllThreeReadableFilesAndAPeerPortOfItsOwn() throws Exception {
        java.nio.file.Path pem = java.nio.file.Files.createTempFile("porthole-mtls", ".pem");
        try {
            assertThat(ConfigCheck.problems(
                            TestConfigs.gateway(Map.of("porthole.gateway.cluster.mtls.cert-file", pem.toString()))))
                    .containsExactly(
                            "porthole.gateway.cluster.mtls: set cert-file, key-file and ca-file together; missing: key-file, ca-file"
                                    + " (PORTHOLE_GATEWAY_CLUSTER_MTLS_KEY_FILE)");
            assertThat(TestConfigs.problems(Map.of(
                            "porthole.gateway.cluster.mtls.cert-file",
                            pem.toString(),
                            "porthole.gateway.cluster.mtls.key-file",
                            "/nonexistent/gateway.key",
                            "porthole.gateway.cluster.mtls.ca-file",
                            pem.toString(),
                            "porthole.gateway.cluster.internal-address",
                            "gateway-1:8080")))
                    .anyMatch(
                            p -> p.equals(
                                    "porthole.gateway.cluster.mtls.key-file: /nonexistent/gateway.key does not exist or cannot be read"))
                    .anyMatch(p -> p.startsWith(
                            "porthole.gateway.cluster.internal-address: with TLS on the public port or cluster.mtls,"))
                    .hasSize(2);
            assertThat(TestConfigs.problems(Map.of(
                            "porthole.gateway.cluster.mtls.cert-file",
                            pem.toString(),
                            "porthole.gateway.cluster.mtls.key-file",
                            pem.toString(),
                            "porthole.gateway.cluster.mtls.ca-file",
                            pem.toString())))
                    .containsExactly(
                            "porthole.gateway.cluster.mtls: mutual TLS is for the hop between gateways; set cluster.internal-address too");
        } finally {
            java.nio.file.Files.delete(pem);
        }
    }

    @Test
    void aClientCertificateForAuthServiceNeedsItsKey() {
        assertThat(TestConfigs.problems(Map.of(
                        "porthole.gateway.auth.service-url",
                        "https://auth-service:8443",
                        "porthole.gateway.auth.service-tls.cert-file",
                        "/etc/porthole/gateway.pem")))
                .containsExactly("porthole.gateway.auth.service-tls: set cert-file and key-file together"
                        + " (PORTHOLE_GATEWAY_AUTH_SERVICE_TLS_CERT_FILE, PORTHOLE_GATEWAY_AUTH_SERVICE_TLS_KEY_FILE)");
    }

    @Test
    void tlsSettingsAreCheckedTogether() {
        var problems = TestConfigs.problems(Map.of(
                "porthole.gateway.tls.cert-files", "/etc/porthole/a.pem,/etc/porthole/b.pem",
                "porthole.gateway.tls.key-files", "/etc/porthole/a.key",
                "porthole.gateway.tls.redirect-port", "8080",
                "porthole.gateway.cluster.internal-address", "gateway-1:8080"));
        assertThat(problems)
                .anyMatch(p -> p.startsWith("porthole.gateway.tls.key-files: give one key file per certificate file"))
                .anyMatch(p -> p.startsWith("porthole.gateway.tls.redirect-port: must differ from http.port"))
                .anyMatch(p -> p.startsWith(
                                "porthole.gateway.cluster.internal-address: with TLS on the public port, other gateways forward to a"
                                        + " plain-HTTP listener")
                        && p.contains("port other than http.port (8080)"));
        assertThat(TestConfigs.problems(Map.of(
                        "porthole.gateway.tls.cert-files",
                        "/etc/porthole/a.pem",
                        "porthole.gateway.tls.key-files",
                        "/etc/porthole/a.key",
                        "porthole.gateway.cluster.internal-address",
                        "gateway-1:9443")))
                .as("TLS with a cluster whose peers meet on a port of their own")
                .isEmpty();
        assertThat(TestConfigs.problems(Map.of("porthole.gateway.tls.reload-check-interval", "10ms")))
                .singleElement()
                .asString()
                .startsWith(
                        "porthole.gateway.tls.reload-check-interval (PORTHOLE_GATEWAY_TLS_RELOAD_CHECK_INTERVAL) must be longer than or equal to 100 millis");
        assertThat(TestConfigs.problems(Map.of("porthole.gateway.tls.redirect-port", "8081")))
                .singleElement()
                .asString()
                .contains("set tls.cert-files or tls.acme.directory-url");
    }
}
