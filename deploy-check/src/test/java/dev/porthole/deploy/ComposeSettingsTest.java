package dev.porthole.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * docker-compose.yml sets only variables the services read, .env.example lists every variable the
 * compose file takes with the same default, and every image is built from a Dockerfile target.
 */
class ComposeSettingsTest {

    static final Path COMPOSE = ServiceSettings.ROOT.resolve("docker-compose.yml");
    static final Path ENV_EXAMPLE = ServiceSettings.ROOT.resolve(".env.example");
    static final Path DOCKERFILE = ServiceSettings.ROOT.resolve("Dockerfile");
    static final Path INIT_SECRETS = ServiceSettings.ROOT.resolve("deploy/compose/init-secrets.sh");
    static final List<String> MODULES =
            List.of("auth-service", "notification-service", "gateway-service", "client-agent");

    private static final Map<String, ServiceSettings> SETTINGS = new LinkedHashMap<>();

    static ServiceSettings settings(String module) {
        return SETTINGS.computeIfAbsent(module, ServiceSettings::of);
    }

    /**
     * One line per variable that a service is given but does not read. A service that runs a
     * Porthole module's image is checked against that module; any other service's PORTHOLE_/QUARKUS_
     * variables must be read by at least one Porthole module.
     */
    static List<String> unreadVariables(ComposeFile compose) {
        List<String> problems = new ArrayList<>();
        for (ComposeFile.Service service : compose.services().values()) {
            if (service.module().isPresent()) {
                ServiceSettings settings = settings(service.module().get());
                service.environment().keySet().stream()
                        .filter(v -> !settings.reads(v))
                        .forEach(v -> problems.add("service '" + service.name() + "' sets " + v + ", which "
                                + settings.module() + " does not read"));
            } else {
                service.environment().keySet().stream()
                        .filter(v -> v.startsWith("PORTHOLE_") || v.startsWith("QUARKUS_"))
                        .filter(v -> MODULES.stream().noneMatch(m -> settings(m).reads(v)))
                        .forEach(v -> problems.add(
                                "service '" + service.name() + "' takes " + v + ", which no Porthole service reads"));
            }
        }
        return problems;
    }

    /** One line per difference between the variables the compose file takes and .env.example. */
    static List<String> envExampleDifferences(ComposeFile compose, Map<String, String> example) {
        List<String> problems = new ArrayList<>();
        compose.variables().forEach((name, fallback) -> {
            if (!example.containsKey(name)) {
                problems.add(name + " is used in docker-compose.yml but not listed in .env.example");
            } else if (!example.get(name).equals(fallback)) {
                problems.add(name + " defaults to '" + fallback + "' in docker-compose.yml but to '" + example.get(name)
                        + "' in .env.example");
            }
        });
        example.keySet().stream()
                .filter(name -> !compose.variables().containsKey(name))
                .forEach(
                        name -> problems.add(name + " is listed in .env.example but docker-compose.yml never uses it"));
        return problems;
    }

    static Map<String, String> readEnvFile(String text) {
        Map<String, String> values = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            String trimmed = line.strip();
            if (trimmed.isEmpty() || trimmed.startsWith("#")) {
                continue;
            }
            int eq = trimmed.indexOf('=');
            if (eq < 1) {
                throw new IllegalArgumentException(".env.example: '" + line + "' is not NAME=value");
            }
            values.put(trimmed.substring(0, eq), trimmed.substring(eq + 1));
        }
        return values;
    }

    @Test
    void everyVariableTheComposeFileSetsIsReadByItsService() {
        ComposeFile compose = ComposeFile.read(COMPOSE);

        assertThat(unreadVariables(compose)).isEmpty();
        assertThat(compose.services().values().stream().flatMap(s -> s.buildTarget().stream()))
                .as("every Porthole process runs in compose")
                .containsAll(MODULES);
    }

    @Test
    void reportsAMisspelledVariable() throws IOException {
        String text = Files.readString(COMPOSE);
        assertThat(text).contains("PORTHOLE_GATEWAY_HTTP_DOMAIN:", "QUARKUS_MANAGEMENT_PORT: \"9081\"");

        ComposeFile misspelled =
                ComposeFile.parse(text.replace("PORTHOLE_GATEWAY_HTTP_DOMAIN:", "PORTHOLE_GATEWAY_HTTP_DOMIAN:"));
        // The gateway serves health on quarkus.http.port; it has no management interface.
        ComposeFile wrongService =
                ComposeFile.parse(text.replace("QUARKUS_HTTP_PORT: \"9080\"", "QUARKUS_MANAGEMENT_PORT: \"9080\""));

        assertThat(unreadVariables(misspelled))
                .containsExactly(
                        "service 'gateway' sets PORTHOLE_GATEWAY_HTTP_DOMIAN, which gateway-service does not read");
        assertThat(unreadVariables(wrongService))
                .containsExactly("service 'gateway' sets QUARKUS_MANAGEMENT_PORT, which gateway-service does not read");
    }

    @Test
    void derivesTheVariablesFromEachServicesConfiguration() {
        assertThat(settings("gateway-service").environment())
                .contains(
                        "PORTHOLE_GATEWAY_HTTP_DOMAIN",
                        "PORTHOLE_GATEWAY_AUTH_SERVICE_URL",
                        "PORTHOLE_INTERNAL_TOKEN",
                        "PORTHOLE_REDIS_PREFIX",
                        "QUARKUS_REDIS_HOSTS",
                        "QUARKUS_HTTP_PORT")
                .doesNotContain("QUARKUS_MANAGEMENT_PORT", "PORTHOLE_AUTH_STATIC_TOKENS");
        assertThat(settings("auth-service").environment())
                .contains(
                        "PORTHOLE_AUTH_PUBLIC_ENABLED",
                        "PORTHOLE_AUTH_FAILURES_PER_ADDRESS",
                        "PORTHOLE_ADMIN_KEY",
                        "PORTHOLE_INTERNAL_TOKEN",
                        "QUARKUS_MANAGEMENT_PORT");
        assertThat(settings("notification-service").environment())
                .contains(
                        "NOTIFICATION_URL",
                        "PORTHOLE_NOTIFY_CONSUMER_NAME",
                        "PORTHOLE_NOTIFY_RATE_LIMITS_FEISHU",
                        "PORTHOLE_NOTIFY_DEFAULT_CHANNEL_MIN_SEVERITY");
        assertThat(settings("client-agent").environment()).contains("SERVER", "TOKEN", "SUB_DOMAIN", "CREDENTIALS");
    }

    /** Anyone may open a public session (issue 16.7): on a server on the Internet only when the operator says so. */
    @Test
    void publicModeIsOffUnlessTheOperatorSwitchesItOn() {
        ComposeFile compose = ComposeFile.read(COMPOSE);
        assertThat(ComposeFile.withDefaults(
                        compose.services().get("auth-service").environment().get("PORTHOLE_AUTH_PUBLIC_ENABLED")))
                .as("docker-compose.yml's default for PORTHOLE_AUTH_PUBLIC_ENABLED")
                .isEqualTo("false");
    }

    /** Redis is the root of trust (issue 16.13): it lets in only an ACL user, whose password init-secrets gives Redis and each service. */
    @Test
    void redisLetsInOnlyTheAclUserWhosePasswordEveryServiceIsGiven() throws Exception {
        assertThat(Files.readString(COMPOSE))
                .contains(
                        "command: [\"redis-server\", \"--appendonly\", \"yes\", \"--aclfile\", \"/porthole-secrets/redis-users.acl\"]");
        ComposeFile compose = ComposeFile.read(COMPOSE);
        Path secrets = Files.createTempDirectory("porthole-secrets");
        ProcessBuilder withDir = new ProcessBuilder("sh", INIT_SECRETS.toString())
                .redirectErrorStream(true)
                .redirectOutput(secrets.resolve("init-secrets.log").toFile());
        withDir.environment().put("SECRETS_DIR", secrets.toString());
        withDir.environment().put("QUARKUS_REDIS_PASSWORD", "");
        assertThat(withDir.start().waitFor())
                .as("init-secrets; see " + secrets.resolve("init-secrets.log"))
                .isZero();

        String password = Files.readString(secrets.resolve("redis-password")).strip();
        assertThat(password).matches("[0-9a-f]{48}");
        assertThat(Files.readAllLines(secrets.resolve("redis-users.acl")))
                .containsExactly(
                        "user default off",
                        "user porthole on #"
                                + HexFormat.of()
                                        .formatHex(MessageDigest.getInstance("SHA-256")
                                                .digest(password.getBytes(StandardCharsets.UTF_8)))
                                + " ~* &* +@all");
        assertThat(Files.getPosixFilePermissions(secrets.resolve("redis-password")))
                .as("the password itself: its owner only")
                .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
        for (String module : List.of("auth-service", "gateway-service", "notification-service")) {
            assertThat(Files.readAllLines(secrets.resolve(module + ".properties")))
                    .as(module)
                    .contains("quarkus.redis.password=" + password);
        }
        compose.services().values().stream()
                .filter(service -> service.environment().containsKey("QUARKUS_REDIS_HOSTS"))
                .forEach(service -> assertThat(
                                ComposeFile.withDefaults(service.environment().get("QUARKUS_REDIS_HOSTS")))
                        .as(service.name())
                        .isEqualTo("redis://redis:6379?user=porthole"));
    }

    @Test
    void envExampleListsEveryComposeVariableWithItsDefault() throws IOException {
        ComposeFile compose = ComposeFile.read(COMPOSE);
        Map<String, String> example = readEnvFile(Files.readString(ENV_EXAMPLE));

        assertThat(envExampleDifferences(compose, example)).isEmpty();

        Map<String, String> stale = new LinkedHashMap<>(example);
        stale.put("PORTHOLE_GATEWAY_HTTP_DOMIAN", "localhost");
        stale.put("PORTHOLE_GATEWAY_REGISTRY_TTL", "45s");
        assertThat(envExampleDifferences(compose, stale))
                .containsExactlyInAnyOrder(
                        "PORTHOLE_GATEWAY_REGISTRY_TTL defaults to '30s' in docker-compose.yml but to '45s' in .env.example",
                        "PORTHOLE_GATEWAY_HTTP_DOMIAN is listed in .env.example but docker-compose.yml never uses it");
    }

    @Test
    void everyImageIsBuiltFromADockerfileTargetNamedAfterItsModule() throws IOException {
        String dockerfile = Files.readString(DOCKERFILE);
        Matcher stage = Pattern.compile("(?m)^FROM \\S+ AS (\\S+)$").matcher(dockerfile);
        List<String> stages = new ArrayList<>();
        while (stage.find()) {
            stages.add(stage.group(1));
        }
        assertThat(stages).containsAll(MODULES);
        for (ComposeFile.Service service : ComposeFile.read(COMPOSE).services().values()) {
            service.buildTarget()
                    .ifPresent(target ->
                            assertThat(service.image()).as(service.name()).hasValue("porthole/" + target));
        }
        assertThat(dockerfile)
                .as("no secret baked into an image")
                .doesNotContainIgnoringCase("TOKEN=")
                .doesNotContainIgnoringCase("KEY=")
                .contains("USER 10001");
    }

    /**
     * Each image is built by one service only (Compose v2 can fail building one image twice in
     * parallel), and a service that runs an image another service builds never tries to pull it
     * (there is no such image in a registry).
     */
    @Test
    void eachImageIsBuiltByOneServiceAndNeverPulled() {
        Map<String, List<String>> builders = new LinkedHashMap<>();
        Collection<ComposeFile.Service> services =
                ComposeFile.read(COMPOSE).services().values();
        services.stream()
                .filter(s -> s.buildTarget().isPresent())
                .forEach(s -> builders.computeIfAbsent(s.image().orElseThrow(), i -> new ArrayList<>())
                        .add(s.name()));
        assertThat(builders)
                .allSatisfy((image, names) ->
                        assertThat(names).as("services that build " + image).hasSize(1));
        services.stream()
                .filter(s -> s.buildTarget().isEmpty()
                        && s.image().filter(builders::containsKey).isPresent())
                .forEach(s -> assertThat(s.pullPolicy())
                        .as(s.name() + " runs an image built here: pull_policy")
                        .hasValue("never"));
        assertThat(services)
                .filteredOn(s -> s.name().equals("demo-agent"))
                .singleElement()
                .satisfies(s -> assertThat(s.module()).hasValue("client-agent"));
    }

    /**
     * The engine's built-in BuildKit parser must build the Dockerfile without fetching a frontend
     * image from a registry: no {@code # syntax=} line, no heredoc. Every file it copies from the
     * context exists and is not excluded by .dockerignore.
     */
    @Test
    void dockerfileBuildsWithTheBuiltInParser() throws IOException {
        String dockerfile = Files.readString(DOCKERFILE);
        assertThat(dockerfile).doesNotContainPattern("(?im)^#\\s*syntax\\s*=").doesNotContain("<<");
        Matcher copy =
                Pattern.compile("(?m)^COPY (?!--from)(?:--\\S+ )*(\\S+) \\S+$").matcher(dockerfile);
        List<String> sources = new ArrayList<>();
        while (copy.find()) {
            sources.add(copy.group(1));
        }
        assertThat(sources)
                .contains("deploy/docker/porthole-health")
                .allSatisfy(source -> assertThat(ServiceSettings.ROOT.resolve(source))
                        .as(source)
                        .exists());
        assertThat(Files.isExecutable(ServiceSettings.ROOT.resolve("deploy/docker/porthole-health")))
                .isTrue();
        assertThat(Files.readAllLines(ServiceSettings.ROOT.resolve(".dockerignore")))
                .as("the health-check script is excluded with deploy/ and must be let back in")
                .contains("!deploy/docker/porthole-health");
    }

    @Test
    void eachServiceIsGivenOnlyGeneratedSecretsItReads() throws IOException {
        // A service refuses a configuration file naming porthole.* settings it does not have, so each gets its own
        // file.
        Matcher line = Pattern.compile("(?m)^write (\\S+)\\.properties (.*)$").matcher(Files.readString(INIT_SECRETS));
        Map<String, List<String>> written = new LinkedHashMap<>();
        while (line.find()) {
            Matcher property = Pattern.compile("\"(porthole\\.[a-z.-]+)=").matcher(line.group(2));
            while (property.find()) {
                written.computeIfAbsent(line.group(1), m -> new ArrayList<>()).add(property.group(1));
            }
        }
        assertThat(written).containsOnlyKeys("auth-service", "gateway-service", "notification-service");
        assertThat(written.get("gateway-service")).containsExactly("porthole.internal.token");
        written.forEach((module, properties) -> assertThat(properties)
                .as(module)
                .allMatch(p -> settings(module).reads(ServiceSettings.environmentName(p))));
        for (ComposeFile.Service service : ComposeFile.read(COMPOSE).services().values()) {
            service.buildTarget()
                    .filter(written::containsKey)
                    .ifPresent(module -> assertThat(service.environment())
                            .containsEntry("QUARKUS_CONFIG_LOCATIONS", "/porthole-secrets/" + module + ".properties"));
        }
    }
}
