package dev.porthole.deploy;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithName;
import io.smallrye.config.WithParentName;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import picocli.CommandLine;

/**
 * The environment variables one Porthole module reads, derived from its code rather than written
 * down a second time: every property of its {@code @ConfigMapping} interfaces, every key and
 * {@code ${VAR}} reference of its {@code application.properties}, every picocli {@code ${env:VAR}}
 * default, plus the few Quarkus runtime settings that deployments pass. Quarkus maps the
 * environment variable {@code FOO_BAR_BAZ} to the property {@code foo.bar.baz}.
 */
final class ServiceSettings {

    /** The repository root (the e2e and deploy modules run with {@code porthole.root} set). */
    static final Path ROOT =
            Path.of(System.getProperty("porthole.root", "..")).toAbsolutePath().normalize();

    /** Quarkus settings that deployments pass to every service although no application.properties names them. */
    private static final List<String> DEPLOYMENT_QUARKUS_PROPERTIES =
            List.of("quarkus.config.locations", "quarkus.http.host", "quarkus.redis.password");

    private static final Pattern PROPERTY_REFERENCE = Pattern.compile("\\$\\{([A-Z][A-Z0-9_]*)");
    private static final Pattern PICOCLI_ENV = Pattern.compile("\\$\\{env:([A-Za-z_][A-Za-z0-9_]*)");

    private final String module;
    private final Set<String> environment;

    private ServiceSettings(String module, Set<String> environment) {
        this.module = module;
        this.environment = environment;
    }

    /** Reads the module's compiled classes ({@code target/classes}) and its application.properties. */
    static ServiceSettings of(String module) {
        Path classes = ROOT.resolve(module).resolve("target/classes");
        if (!Files.isDirectory(classes)) {
            throw new IllegalStateException(
                    classes + " is missing: build " + module + " first (mvn -pl deploy-check -am verify)");
        }
        Set<String> environment = new TreeSet<>();
        for (Class<?> type : classesIn(classes)) {
            try {
                readSettings(type, environment);
            } catch (LinkageError e) {
                // a class whose field types are not on this classpath (generated or build-time code): no settings there
            }
        }
        Path properties = classes.resolve("application.properties");
        if (Files.isRegularFile(properties)) {
            Properties values = new Properties();
            try (Reader reader = Files.newBufferedReader(properties)) {
                values.load(reader);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            for (String key : values.stringPropertyNames()) {
                if (!key.startsWith("%")) {
                    environment.add(environmentName(key));
                }
                Matcher reference = PROPERTY_REFERENCE.matcher(values.getProperty(key));
                while (reference.find()) {
                    environment.add(reference.group(1));
                }
            }
            DEPLOYMENT_QUARKUS_PROPERTIES.forEach(p -> environment.add(environmentName(p)));
        }
        return new ServiceSettings(module, Set.copyOf(environment));
    }

    private static void readSettings(Class<?> type, Set<String> environment) {
        ConfigMapping mapping = type.getAnnotation(ConfigMapping.class);
        if (mapping != null) {
            Set<String> properties = new TreeSet<>();
            collect(type, mapping.prefix(), properties);
            properties.forEach(p -> environment.add(environmentName(p)));
        }
        for (Field field : type.getDeclaredFields()) {
            CommandLine.Option option = field.getAnnotation(CommandLine.Option.class);
            if (option != null) {
                Matcher env = PICOCLI_ENV.matcher(option.defaultValue());
                while (env.find()) {
                    environment.add(env.group(1));
                }
            }
        }
    }

    /** {@code porthole.gateway.http.port} is {@code PORTHOLE_GATEWAY_HTTP_PORT}. */
    static String environmentName(String property) {
        return property.replaceAll("[^A-Za-z0-9]", "_").toUpperCase(java.util.Locale.ROOT);
    }

    String module() {
        return module;
    }

    /** Every environment variable the module reads. */
    Set<String> environment() {
        return environment;
    }

    boolean reads(String variable) {
        return environment.contains(variable);
    }

    private static void collect(Class<?> group, String prefix, Set<String> into) {
        for (Method method : group.getMethods()) {
            if (method.isDefault() || Modifier.isStatic(method.getModifiers()) || method.getParameterCount() > 0) {
                continue;
            }
            String name = method.isAnnotationPresent(WithParentName.class)
                    ? prefix
                    : join(
                            prefix,
                            method.isAnnotationPresent(WithName.class)
                                    ? method.getAnnotation(WithName.class).value()
                                    : kebab(method.getName()));
            Class<?> value = valueType(method.getGenericReturnType());
            if (value.isInterface()
                    && value.getName().startsWith("dev.porthole.")
                    && !Map.class.isAssignableFrom(value)) {
                collect(value, name, into);
            } else {
                into.add(name);
            }
        }
    }

    /** The configured type behind {@code Optional<T>}, {@code List<T>}, {@code Set<T>}. */
    private static Class<?> valueType(Type type) {
        if (type instanceof ParameterizedType parameterized
                && parameterized.getRawType() instanceof Class<?> raw
                && (raw == Optional.class || Collection.class.isAssignableFrom(raw))
                && parameterized.getActualTypeArguments()[0] instanceof Type element) {
            return valueType(element);
        }
        if (type instanceof ParameterizedType parameterized) {
            return (Class<?>) parameterized.getRawType();
        }
        return type instanceof Class<?> c ? c : Object.class;
    }

    private static String join(String prefix, String name) {
        return prefix.isEmpty() ? name : prefix + "." + name;
    }

    /** SmallRye's default naming: {@code maxHeaderSize} is {@code max-header-size}. */
    private static String kebab(String method) {
        return method.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(java.util.Locale.ROOT);
    }

    private static List<Class<?>> classesIn(Path classes) {
        try (Stream<Path> files = Files.walk(classes)) {
            return files.filter(f -> f.toString().endsWith(".class"))
                    .map(f -> classes.relativize(f).toString())
                    .map(f -> f.substring(0, f.length() - ".class".length()).replace('/', '.'))
                    .map(ServiceSettings::load)
                    .flatMap(Optional::stream)
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Optional<Class<?>> load(String name) {
        try {
            return Optional.of(Class.forName(name, false, ServiceSettings.class.getClassLoader()));
        } catch (ClassNotFoundException | LinkageError e) {
            return Optional.empty(); // generated or build-time classes whose dependencies are not on this classpath
        }
    }
}
