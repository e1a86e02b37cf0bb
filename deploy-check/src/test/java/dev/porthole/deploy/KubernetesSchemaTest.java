package dev.porthole.deploy;

import static dev.porthole.deploy.KubernetesManifestsTest.list;
import static dev.porthole.deploy.KubernetesManifestsTest.map;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * An offline schema check of the Kubernetes base (no cluster, no downloaded schemas; `kubectl apply
 * --dry-run=client --validate` needs a server for its OpenAPI document): each object's apiVersion
 * and kind are ones Kubernetes 1.25+ serves, names and port names have the API server's formats,
 * and the fields used are fields of their type (the subset of the API reference this base needs:
 * an unknown or misspelt field fails here as the API server's strict validation would).
 */
class KubernetesSchemaTest {

    private static final Map<String, String> API_VERSIONS = Map.of(
            "ConfigMap",
            "v1",
            "Service",
            "v1",
            "Secret",
            "v1",
            "Deployment",
            "apps/v1",
            "StatefulSet",
            "apps/v1",
            "PodDisruptionBudget",
            "policy/v1",
            "HorizontalPodAutoscaler",
            "autoscaling/v2",
            "Ingress",
            "networking.k8s.io/v1",
            "NetworkPolicy",
            "networking.k8s.io/v1");
    private static final Set<String> TOP =
            Set.of("apiVersion", "kind", "metadata", "spec", "data", "stringData", "type");
    private static final Set<String> METADATA = Set.of("name", "namespace", "labels", "annotations");
    private static final Map<String, Set<String>> SPEC = Map.of(
            "Service",
                    Set.of(
                            "type",
                            "selector",
                            "ports",
                            "clusterIP",
                            "externalTrafficPolicy",
                            "sessionAffinity",
                            "publishNotReadyAddresses"),
            "Deployment",
                    Set.of("replicas", "selector", "template", "strategy", "minReadySeconds", "revisionHistoryLimit"),
            "StatefulSet",
                    Set.of(
                            "replicas",
                            "selector",
                            "template",
                            "serviceName",
                            "volumeClaimTemplates",
                            "podManagementPolicy",
                            "updateStrategy"),
            "PodDisruptionBudget", Set.of("minAvailable", "maxUnavailable", "selector"),
            "HorizontalPodAutoscaler", Set.of("scaleTargetRef", "minReplicas", "maxReplicas", "metrics", "behavior"),
            "Ingress", Set.of("ingressClassName", "tls", "rules", "defaultBackend"),
            "NetworkPolicy", Set.of("podSelector", "policyTypes", "ingress", "egress"));
    private static final Set<String> POD_SPEC = Set.of(
            "containers",
            "initContainers",
            "volumes",
            "securityContext",
            "terminationGracePeriodSeconds",
            "serviceAccountName",
            "affinity",
            "nodeSelector",
            "tolerations",
            "topologySpreadConstraints",
            "hostNetwork",
            "enableServiceLinks");
    private static final Set<String> CONTAINER = Set.of(
            "name",
            "image",
            "imagePullPolicy",
            "command",
            "args",
            "env",
            "envFrom",
            "ports",
            "volumeMounts",
            "readinessProbe",
            "livenessProbe",
            "startupProbe",
            "resources",
            "securityContext",
            "workingDir");
    private static final Set<String> PROBE = Set.of(
            "httpGet",
            "tcpSocket",
            "exec",
            "grpc",
            "initialDelaySeconds",
            "periodSeconds",
            "timeoutSeconds",
            "failureThreshold",
            "successThreshold");
    private static final Set<String> PROBE_HANDLERS = Set.of("httpGet", "tcpSocket", "exec", "grpc");
    private static final Set<String> SERVICE_PORT =
            Set.of("name", "port", "targetPort", "protocol", "nodePort", "appProtocol");
    private static final Set<String> POLICY_RULE = Set.of("from", "ports");
    private static final Set<String> POLICY_PEER = Set.of("podSelector", "namespaceSelector", "ipBlock");
    private static final Set<String> POLICY_PORT = Set.of("port", "endPort", "protocol");
    private static final Set<String> PROTOCOLS = Set.of("TCP", "UDP", "SCTP");
    /** DNS-1123 subdomain (most object names) and DNS-1035 label (Service names). */
    private static final Pattern SUBDOMAIN =
            Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");

    private static final Pattern DNS_LABEL = Pattern.compile("[a-z]([-a-z0-9]{0,61}[a-z0-9])?");
    /** IANA_SVC_NAME: what a port name must be. */
    private static final Pattern PORT_NAME = Pattern.compile("(?=.{1,15}$)(?=.*[a-z])[a-z0-9]+(-[a-z0-9]+)*");

    private final List<Map<String, Object>> objects = KubernetesManifestsTest.readBase();
    private final List<String> problems = new ArrayList<>();

    @Test
    void everyObjectHasAKnownKindAndOnlyFieldsOfItsType() {
        assertThat(objects).isNotEmpty();
        for (Map<String, Object> object : objects) {
            String kind = String.valueOf(object.get("kind"));
            Map<String, Object> metadata = map(object.get("metadata"));
            String where = kind + " " + metadata.get("name");
            check(
                    API_VERSIONS.containsKey(kind),
                    where + ": kind not served by Kubernetes 1.25+ (or not known to this check)");
            check(
                    String.valueOf(API_VERSIONS.get(kind)).equals(object.get("apiVersion")),
                    where + ": apiVersion " + object.get("apiVersion") + ", expected " + API_VERSIONS.get(kind));
            fields(object, TOP, where);
            fields(metadata, METADATA, where + " metadata");
            String name = String.valueOf(metadata.get("name"));
            check(
                    name.length() <= 253
                            && (kind.equals("Service") ? DNS_LABEL : SUBDOMAIN)
                                    .matcher(name)
                                    .matches(),
                    where + ": invalid name");
            map(metadata.get("labels"))
                    .forEach((k, v) -> check(
                            v instanceof String s && s.length() <= 63,
                            where + ": label " + k + " must be a string of 63 characters at most"));
            if (SPEC.containsKey(kind)) {
                fields(map(object.get("spec")), SPEC.get(kind), where + " spec");
            }
            switch (kind) {
                case "Deployment", "StatefulSet" -> workload(object, where);
                case "Service" -> service(map(object.get("spec")), where);
                case "NetworkPolicy" -> policy(map(object.get("spec")), where);
                default -> {}
            }
        }
        assertThat(problems).isEmpty();
    }

    private void workload(Map<String, Object> object, String where) {
        Map<String, Object> spec = map(object.get("spec"));
        Map<String, Object> template = map(spec.get("template"));
        Map<String, Object> matchLabels = map(map(spec.get("selector")).get("matchLabels"));
        check(
                !matchLabels.isEmpty()
                        && map(map(template.get("metadata")).get("labels"))
                                .entrySet()
                                .containsAll(matchLabels.entrySet()),
                where + ": spec.selector must match the template's labels");
        if (object.get("kind").equals("StatefulSet")) {
            check(spec.get("serviceName") instanceof String, where + ": a StatefulSet needs spec.serviceName");
        }
        Map<String, Object> podSpec = map(template.get("spec"));
        fields(podSpec, POD_SPEC, where + " pod spec");
        Set<Object> portNames = new HashSet<>();
        List<Map<String, Object>> containers = list(podSpec.get("containers"));
        check(!containers.isEmpty(), where + ": no containers");
        for (Map<String, Object> container : containers) {
            String at = where + " container " + container.get("name");
            fields(container, CONTAINER, at);
            check(
                    container.get("name") instanceof String n
                            && DNS_LABEL.matcher(n).matches(),
                    at + ": name must be a DNS label");
            check(container.get("image") instanceof String, at + ": no image");
            for (Map<String, Object> port : list(container.get("ports"))) {
                check(
                        port.get("containerPort") instanceof Integer p && p > 0 && p < 65536,
                        at + ": containerPort " + port.get("containerPort"));
                check(
                        port.get("name") == null
                                || port.get("name") instanceof String n
                                        && PORT_NAME.matcher(n).matches()
                                        && portNames.add(n),
                        at + ": port name " + port.get("name")
                                + " must be unique and an IANA service name (15 characters at most)");
                check(
                        port.get("protocol") == null || PROTOCOLS.contains(port.get("protocol")),
                        at + ": protocol " + port.get("protocol"));
            }
            for (String kind : List.of("readinessProbe", "livenessProbe", "startupProbe")) {
                if (container.containsKey(kind)) {
                    Map<String, Object> probe = map(container.get(kind));
                    fields(probe, PROBE, at + " " + kind);
                    check(
                            probe.keySet().stream()
                                            .filter(PROBE_HANDLERS::contains)
                                            .count()
                                    == 1,
                            at + " " + kind + ": exactly one handler");
                }
            }
        }
    }

    private void service(Map<String, Object> spec, String where) {
        String type = String.valueOf(spec.getOrDefault("type", "ClusterIP"));
        check(Set.of("ClusterIP", "NodePort", "LoadBalancer", "ExternalName").contains(type), where + ": type " + type);
        check(
                !spec.containsKey("externalTrafficPolicy")
                        || Set.of("NodePort", "LoadBalancer").contains(type)
                                && Set.of("Local", "Cluster").contains(spec.get("externalTrafficPolicy")),
                where + ": externalTrafficPolicy needs type NodePort or LoadBalancer, and Local or Cluster");
        List<Map<String, Object>> ports = list(spec.get("ports"));
        check(!ports.isEmpty(), where + ": no ports");
        Set<Object> names = new HashSet<>();
        Set<Object> numbers = new HashSet<>();
        for (Map<String, Object> port : ports) {
            fields(port, SERVICE_PORT, where + " port " + port.get("name"));
            check(
                    port.get("port") instanceof Integer p && p > 0 && p < 65536 && numbers.add(p),
                    where + ": port " + port.get("port") + " invalid or repeated");
            check(
                    ports.size() == 1
                            || port.get("name") instanceof String n
                                    && DNS_LABEL.matcher(n).matches()
                                    && names.add(n),
                    where + ": with several ports each needs a unique DNS-label name: " + port.get("name"));
            Object target = port.get("targetPort");
            check(
                    target == null
                            || target instanceof Integer t && t > 0 && t < 65536
                            || target instanceof String t
                                    && PORT_NAME.matcher(t).matches(),
                    where + ": targetPort " + target);
        }
    }

    private void policy(Map<String, Object> spec, String where) {
        check(spec.get("podSelector") instanceof Map, where + ": spec.podSelector is required ({} selects every pod)");
        for (Object type : (List<?>) spec.getOrDefault("policyTypes", List.of())) {
            check(Set.of("Ingress", "Egress").contains(type), where + ": policyTypes entry " + type);
        }
        for (Map<String, Object> rule : list(spec.get("ingress"))) {
            fields(rule, POLICY_RULE, where + " ingress rule");
            for (Map<String, Object> peer : list(rule.get("from"))) {
                fields(peer, POLICY_PEER, where + " ingress peer");
                check(!peer.isEmpty(), where + ": an empty peer");
            }
            for (Map<String, Object> port : list(rule.get("ports"))) {
                fields(port, POLICY_PORT, where + " ingress port");
                Object number = port.get("port");
                check(
                        number instanceof Integer p && p > 0 && p < 65536
                                || number instanceof String n
                                        && PORT_NAME.matcher(n).matches(),
                        where + ": port " + number);
                check(
                        !port.containsKey("endPort")
                                || number instanceof Integer p
                                        && port.get("endPort") instanceof Integer end
                                        && end >= p
                                        && end < 65536,
                        where + ": endPort needs a numeric port no greater than it");
                check(
                        port.get("protocol") == null || PROTOCOLS.contains(port.get("protocol")),
                        where + ": protocol " + port.get("protocol"));
            }
        }
    }

    private void fields(Map<String, Object> object, Set<String> allowed, String where) {
        object.keySet().stream()
                .filter(k -> !allowed.contains(k))
                .forEach(k -> problems.add(where + ": unknown field '" + k + "'"));
    }

    private void check(boolean ok, String problem) {
        if (!ok) {
            problems.add(problem);
        }
    }
}
