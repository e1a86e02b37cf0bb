package dev.porthole.e2e.support;

import java.io.File;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A {@code main} class of the test sources run as a process of its own (the listener example, the
 * gRPC echo service), with the test's class path minus the test framework, as an application runs.
 */
public final class JavaProgram {

    private JavaProgram() {}

    /** The command line that runs {@code main} with {@code jvm} options and {@code args}. */
    public static List<String> command(Class<?> main, List<String> jvm, List<String> args) {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.add("--sun-misc-unsafe-memory-access=allow");
        command.addAll(jvm);
        command.add("-cp");
        command.add(libraryClassPath());
        command.add(main.getName());
        command.addAll(args);
        return command;
    }

    /** The test's class path without the test framework. */
    private static String libraryClassPath() {
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        return Arrays.stream(classPath.split(File.pathSeparator))
                .filter(entry -> !entry.contains("junit") && !entry.contains("surefire"))
                .collect(Collectors.joining(File.pathSeparator));
    }
}
