package dev.porthole.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The Kustomize base in deploy/kubernetes agrees with the services and with docker-compose.yml:
 * images, ports, probes on the management port, environment variable names, resources, and the
 * gateway's Service, Ingress, PodDisruptionBudget and HorizontalPodAutoscaler.
 */
class KubernetesManifestsTest {

    static final Path BASE = ServiceSettings.ROOT.resolve("deploy/kubernetes/base");

    private final List<Map<String, Object>> objects = readBase();
    private final ComposeFile compose = ComposeFile.read(ComposeSettingsTest.COMPOSE);

    /** Anyone may open a public session (issue 16.7): on a cluster on the Internet only when the operator says so. */
    @Test
    void publicModeIsOffInTheBase() {
        assertThat(map(find("ConfigMap", "auth-service").get("data")).get("PORTHOLE_AUTH_PUBLIC_ENABLED"))
                .as("auth-service ConfigMap's PORTHOLE_AUTH_PUBLIC_ENABLED (auth-service's own default is on)")
                .hasToString("false");
    }

    @Test
    void kustomizationListsEveryManifestInTheFolder() throws IOException {
        List<String> resources = strings(yaml(Files.readString(BASE.resolve("kustomization.yaml")))
                .getFirst()
                .get("resources"));
        try (Stream<Path> files = Files.list(BASE)) {
            List<String> manifests = files.map(f -> f.getFileName().toString())
                    .filter(f -> f.endsWith(".yaml") && !f.equals("kustomization.yaml") && !f.endsWith(".example.yaml"))
                    .toList();
            assertThat(resources).containsExactlyInAnyOrderElementsOf(manifests);
        }
    }

    @Test
    void everyVariableADeploymentSetsIsReadByItsService() {
        List<String> problems = new ArrayList<>();
        for (Map<String, Object> container : portholeContainers()) {
            ServiceSettings settings = ComposeSettingsTest.settings(module(container));
            environment(container).keySet().stream()
                    .filter(v -> !settings.reads(v))
                    .forEach(v -> problems.add("container '" + container.get("name") + "' sets " + v + ", which "
                            + settings.module() + " does not read"));
        }
        assertThat(portholeContainers())
                .extracting(KubernetesManifestsTest::module)
                .containsExactlyInAnyOrder("auth-service", "notification-service", "gateway-service");
        assertThat(problems).isEmpty();
    }

    @Test
    void gatewayManagementPortIsOnLoopbackUnlessADeploymentOpensItForItsProbes() throws IOException {
        String properties = Files.readString(
                ServiceSettings.ROOT.resolve("gateway-service/src/main/resources/application.properties"));
        assertThat(properties.lines()).as("the gateway's default").contains("%prod.quarkus.http.host=127.0.0.1");
        Map<String, Object> gateway = portholeContainers().stream()
                .filter(c -> module(c).equals("gateway-service"))
                .findFirst()
                .orElseThrow();
        assertThat(environment(gateway))
                .as("the kubelet's probes and Prometheus reach the pod's address")
                .containsEntry("QUARKUS_HTTP_HOST", "0.0.0.0");
        ComposeFile.Service service = compose.services().values().stream()
                .filter(s -> s.buildTarget().filter("gateway-service"::equals).isPresent())
                .findFirst()
                .orElseThrow();
        assertThat(service.environment())
                .as("health checks through published ports in compose")
                .containsEntry("QUARKUS_HTTP_HOST", "0.0.0.0");
    }

    @Test
    void imagesPortsAndProbesAgreeWithComposeAndTheDockerfile() throws IOException {
        String dockerfile = Files.readString(ComposeSettingsTest.DOCKERFILE);
        for (Map<String, Object> container : portholeContainers()) {
            String module = module(container);
            ComposeFile.Service service = compose.services().values().stream()
                    .filter(s -> s.buildTarget().filter(module::equals).isPresent())
                    .findFirst()
                    .orElseThrow();
            assertThat(service.image()).as(module + " image in compose").hasValue((String) container.get("image"));

            // Every port variable has the value compose gives it, and is a declared container port.
            Map<String, String> env = environment(container);
            Map<String, Integer> containerPorts = new LinkedHashMap<>();
            list(container.get("ports"))
                    .forEach(p -> containerPorts.put((String) p.get("name"), (Integer) p.get("containerPort")));
            env.forEach((name, value) -> {
                if (name.endsWith("_PORT") && !name.endsWith("_PUBLIC_PORT")) {
                    assertThat(ComposeFile.withDefaults(service.environment().getOrDefault(name, "")))
                            .as(module + " " + name + " in compose")
                            .isEqualTo(value);
                    assertThat(containerPorts).as(module + " container ports").containsValue(Integer.parseInt(value));
                }
            });

            // Probes hit the management port the image's HEALTHCHECK uses.
            Matcher health = Pattern.compile("FROM runtime AS " + module + "\\n(?:.*\\n)*?ENV HEALTH_PORT=(\\d+)")
                    .matcher(dockerfile);
            assertThat(health.find()).isTrue();
            assertThat(containerPorts).as(module).containsEntry("management", Integer.parseInt(health.group(1)));
            assertThat(probe(container, "readinessProbe"))
                    .containsEntry("path", "/q/health/ready")
                    .containsEntry("port", "management");
            assertThat(probe(container, "livenessProbe"))
                    .containsEntry("path", "/q/health/live")
                    .containsEntry("port", "management");

            Map<String, Object> resources = map(container.get("resources"));
            assertThat(map(resources.get("requests"))).as(module + " requests").containsKeys("cpu", "memory");
            assertThat(map(resources.get("limits"))).as(module + " limits").containsKeys("cpu", "memory");
        }
    }

    @Test
    void secretReferencesNameKeysOfTheSecretTemplate() throws IOException {
        Map<String, Object> template =
                yaml(Files.readString(BASE.resolve("secret.example.yaml"))).getFirst();
        Set<String> keys = map(template.get("stringData")).keySet();
        String name = (String) map(template.get("metadata")).get("name");
        for (Map<String, Object> container : portholeContainers()) {
            for (Map<String, Object> variable : list(container.get("env"))) {
                Map<String, Object> from = map(variable.get("valueFrom"));
                if (from.containsKey("secretKeyRef")) {
                    Map<String, Object> ref = map(from.get("secretKeyRef"));
                    assertThat(ref.get("name")).isEqualTo(name);
                    assertThat(keys).as(variable.get("name") + " in " + name).contains((String) ref.get("key"));
                }
            }
        }
        assertThat(map(template.get("stringData")).values())
                .as("the template holds no secret")
                .allMatch(""::equals);
    }

    @Test
    void theGatewayIsReachableThroughAWildcardIngressAndScaledWithinABudget() {
        Map<String, Object> gatewayConfig = map(find("ConfigMap", "gateway").get("data"));
        String domain = (String) gatewayConfig.get("PORTHOLE_GATEWAY_HTTP_DOMAIN");

        Map<String, Object> ingress = find("Ingress", "gateway");
        List<Map<String, Object>> rules = list(map(ingress.get("spec")).get("rules"));
        assertThat(rules).extracting(r -> r.get("host")).containsExactlyInAnyOrder(domain, "*." + domain);
        for (Map<String, Object> rule : rules) {
            Map<String, Object> backend = map(
                    map(list(map(map(rule.get("http"))).get("paths")).getFirst().get("backend"))
                            .get("service"));
            assertThat(backend.get("name")).isEqualTo("gateway");
            assertThat(map(backend.get("port"))).containsEntry("name", "http");
        }
        Map<String, Object> service = find("Service", "gateway");
        assertThat(list(map(service.get("spec")).get("ports")))
                .anySatisfy(
                        p -> assertThat(p).containsEntry("name", "http").containsEntry("port", Integer.parseInt((String)
                                gatewayConfig.get("PORTHOLE_GATEWAY_HTTP_PORT"))));

        Map<String, Object> podLabels =
                map(map(map(map(find("Deployment", "gateway").get("spec")).get("template"))
                                .get("metadata"))
                        .get("labels"));
        Map<String, Object> budget = map(find("PodDisruptionBudget", "gateway").get("spec"));
        assertThat(podLabels)
                .containsAllEntriesOf(map(map(budget.get("selector")).get("matchLabels")));
        Map<String, Object> autoscaler =
                map(find("HorizontalPodAutoscaler", "gateway").get("spec"));
        assertThat(map(autoscaler.get("scaleTargetRef")))
                .containsEntry("kind", "Deployment")
                .containsEntry("name", "gateway");
        assertThat((Integer) autoscaler.get("minReplicas")).isGreaterThan((Integer) budget.get("minAvailable"));

        // Every Service selects pods that a workload labels, on ports that its containers name.
        for (Map<String, Object> svc :
                objects.stream().filter(o -> "Service".equals(o.get("kind"))).toList()) {
            Map<String, Object> selector = map(map(svc.get("spec")).get("selector"));
            Map<String, Object> workload = objects.stream()
                    .filter(o -> List.of("Deployment", "StatefulSet").contains(o.get("kind")))
                    .filter(o -> map(map(map(map(o.get("spec")).get("template")).get("metadata"))
                                    .get("labels"))
                            .entrySet()
                            .containsAll(selector.entrySet()))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError("no workload for Service " + name(svc)));
            Set<Object> named = new HashSet<>();
            containers(workload).forEach(c -> list(c.get("ports")).forEach(p -> named.add(p.get("name"))));
            list(map(svc.get("spec")).get("ports"))
                    .forEach(p -> assertThat(named).as(name(svc)).contains(p.get("targetPort")));
        }
    }

    /** Redis is the root of trust (issue 16.13): the Secret's password, for the ACL user, and only the services reach it. */
    @Test
    void redisLetsInOnlyTheAclUserAndOnlyThePortholeServicesReachIt() {
        Map<String, Object> redis = containers(find("StatefulSet", "redis")).getFirst();
        // How the password reaches redis-server without an argument is run for real in KubernetesRedisTest.
        assertThat(environment(redis).get("REDIS_PASSWORD")).contains("key=PORTHOLE_REDIS_PASSWORD");
        List<String> labels = new ArrayList<>();
        for (Map<String, Object> workload :
                objects.stream().filter(o -> "Deployment".equals(o.get("kind"))).toList()) {
            Map<String, Object> container = containers(workload).getFirst();
            assertThat(environment(container))
                    .as(name(workload))
                    .containsEntry("QUARKUS_REDIS_HOSTS", "redis://redis:6379?user=porthole")
                    .hasEntrySatisfying(
                            "QUARKUS_REDIS_PASSWORD",
                            value -> assertThat(value).contains("key=PORTHOLE_REDIS_PASSWORD"));
            labels.add(String.valueOf(
                    map(map(map(map(workload.get("spec")).get("template")).get("metadata"))
                                    .get("labels"))
                            .get("app.kubernetes.io/name")));
        }
        Map<String, Object> policy = map(find("NetworkPolicy", "redis").get("spec"));
        assertThat(map(map(policy.get("podSelector")).get("matchLabels")))
                .containsEntry("app.kubernetes.io/name", "redis");
        Map<String, Object> rule = list(policy.get("ingress")).getFirst();
        Map<String, Object> from = map(list(rule.get("from")).getFirst().get("podSelector"));
        assertThat(strings(list(from.get("matchExpressions")).getFirst().get("values")))
                .as("pods allowed to reach Redis")
                .containsExactlyInAnyOrderElementsOf(labels);
    }

    private List<Map<String, Object>> portholeContainers() {
        return objects.stream()
                .filter(o -> "Deployment".equals(o.get("kind")))
                .flatMap(o -> containers(o).stream())
                .filter(c -> String.valueOf(c.get("image")).startsWith("porthole/"))
                .toList();
    }

    /** The module an image is built from: {@code porthole/<module>}. */
    private static String module(Map<String, Object> container) {
        return String.valueOf(container.get("image"))
                .substring("porthole/".length())
                .replaceFirst(":.*$", "");
    }

    /** Variables a container gets: its env entries and every key of the ConfigMaps in envFrom. */
    private Map<String, String> environment(Map<String, Object> container) {
        Map<String, String> env = new LinkedHashMap<>();
        for (Map<String, Object> from : list(container.get("envFrom"))) {
            String configMap = (String) map(from.get("configMapRef")).get("name");
            map(find("ConfigMap", configMap).get("data")).forEach((k, v) -> env.put(k, String.valueOf(v)));
        }
        for (Map<String, Object> variable : list(container.get("env"))) {
            env.put(
                    (String) variable.get("name"),
                    variable.containsKey("value")
                            ? String.valueOf(variable.get("value"))
                            : "<from " + variable.get("valueFrom") + ">");
        }
        return env;
    }

    private static Map<String, Object> probe(Map<String, Object> container, String kind) {
        Map<String, Object> httpGet = map(map(container.get(kind)).get("httpGet"));
        assertThat(httpGet).as(container.get("name") + " " + kind).isNotEmpty();
        return httpGet;
    }

    static List<Map<String, Object>> containers(Map<String, Object> workload) {
        return list(
                map(map(map(workload.get("spec")).get("template")).get("spec")).get("containers"));
    }

    private Map<String, Object> find(String kind, String name) {
        return objects.stream()
                .filter(o -> kind.equals(o.get("kind")) && name.equals(name(o)))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no " + kind + " named " + name + " in " + BASE));
    }

    static String name(Map<String, Object> object) {
        return (String) map(object.get("metadata")).get("name");
    }

    static List<Map<String, Object>> readBase() {
        try {
            List<Map<String, Object>> all = new ArrayList<>();
            for (String resource : strings(yaml(Files.readString(BASE.resolve("kustomization.yaml")))
                    .getFirst()
                    .get("resources"))) {
                all.addAll(yaml(Files.readString(BASE.resolve(resource))));
            }
            return all;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> yaml(String text) {
        List<Map<String, Object>> documents = new ArrayList<>();
        new Yaml(new SafeConstructor(new LoaderOptions()))
                .loadAll(text)
                .forEach(d -> documents.add((Map<String, Object>) d));
        return documents;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object value) {
        return value == null ? Map.of() : (Map<String, Object>) value;
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> list(Object value) {
        return value == null ? List.of() : (List<Map<String, Object>>) value;
    }

    @SuppressWarnings("unchecked")
    static List<String> strings(Object value) {
        return (List<String>) value;
    }
}
