package dev.porthole.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/** docker-compose.yml as far as the checks need it: services, their build target, image, environment and pull policy. */
record ComposeFile(Map<String, Service> services, Map<String, String> variables) {

    /** {@code ${NAME}}, {@code ${NAME:-default}}, {@code ${NAME-default}}; {@code $$} escapes a dollar. */
    private static final Pattern VARIABLE =
            Pattern.compile("(?<!\\$)\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?::?[-?]([^}]*))?}");

    /** One service: {@code buildTarget} is the Dockerfile stage, which is named after the Maven module. */
    record Service(
            String name,
            Optional<String> buildTarget,
            Optional<String> image,
            Map<String, String> environment,
            List<String> ports,
            Optional<String> pullPolicy) {

        /**
         * The Porthole module this service runs: its build target, or for a service that runs an
         * image another service builds ({@code porthole/<module>}), that module.
         */
        Optional<String> module() {
            return buildTarget.or(
                    () -> image.filter(i -> i.startsWith("porthole/")).map(i -> i.substring("porthole/".length())));
        }
    }

    /** The value as compose would see it with no .env: every {@code ${NAME:-default}} replaced by its default. */
    static String withDefaults(String value) {
        return VARIABLE.matcher(value).replaceAll(m -> Matcher.quoteReplacement(m.group(2) == null ? "" : m.group(2)));
    }

    static ComposeFile read(Path file) {
        try {
            return parse(Files.readString(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @SuppressWarnings("unchecked")
    static ComposeFile parse(String text) {
        Map<String, Object> root = new Yaml(new SafeConstructor(new LoaderOptions())).load(text);
        Map<String, Service> services = new LinkedHashMap<>();
        ((Map<String, Map<String, Object>>) root.get("services")).forEach((name, body) -> {
            Optional<String> target = Optional.ofNullable(body.get("build"))
                    .filter(Map.class::isInstance)
                    .map(b -> (String) ((Map<String, Object>) b).get("target"));
            Map<String, String> environment = new LinkedHashMap<>();
            Object env = body.get("environment");
            if (env instanceof Map<?, ?> map) {
                map.forEach((k, v) -> environment.put(String.valueOf(k), v == null ? "" : String.valueOf(v)));
            } else if (env instanceof List<?> list) {
                list.forEach(entry -> {
                    String line = String.valueOf(entry);
                    int eq = line.indexOf('=');
                    environment.put(eq < 0 ? line : line.substring(0, eq), eq < 0 ? "" : line.substring(eq + 1));
                });
            }
            List<String> ports = new ArrayList<>();
            if (body.get("ports") instanceof List<?> list) {
                list.forEach(p -> ports.add(String.valueOf(p)));
            }
            services.put(
                    name,
                    new Service(
                            name,
                            target,
                            Optional.ofNullable((String) body.get("image")),
                            environment,
                            ports,
                            Optional.ofNullable((String) body.get("pull_policy"))));
        });
        Map<String, String> variables = new LinkedHashMap<>();
        Matcher variable = VARIABLE.matcher(text);
        while (variable.find()) {
            variables.putIfAbsent(variable.group(1), variable.group(2) == null ? "" : variable.group(2));
        }
        return new ComposeFile(services, variables);
    }
}
