package dev.porthole.agent.cli;

import io.quarkus.picocli.runtime.PicocliRunner;
import io.quarkus.runtime.ApplicationLifecycleManager;
import io.quarkus.runtime.Quarkus;
import jakarta.inject.Inject;
import java.lang.reflect.AccessibleObject;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IExecutionStrategy;
import picocli.CommandLine.IFactory;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParseResult;

/**
 * The agent's entry point ({@code quarkus.package.main-class}): answers what needs no running
 * application before Quarkus boots, so that a person gets help, a usage mistake, the version or a
 * config check in a fraction of the time a boot takes (docs/performance.md), and boots Quarkus for
 * the rest, which then parses the same arguments again with its CDI-built command line.
 *
 * <p>Answered before the boot, with the same command classes and the same {@link CommandLineSetup}
 * as the booted command line, so the output is the same: help and version help, usage mistakes,
 * every command that injects nothing (config, logout, status), and the agent's own lines of
 * {@code version} (the gateway's line, when one is configured, comes after the boot).
 */
public final class PortholeMain {

    private PortholeMain() {}

    public static void main(String... args) {
        CommandLine line = commandLine(args);
        BeforeBoot beforeBoot = new BeforeBoot(line.getExecutionStrategy());
        int exit = line.setExecutionStrategy(beforeBoot).execute(args);
        line.getOut().flush();
        line.getErr().flush();
        if (beforeBoot.bootNeeded) {
            Quarkus.run(PicocliRunner.class, args);
        } else if (exit != 0) {
            // System.exit in a real process; in @QuarkusMainTest the test's exit-code handler. Exit code 0 needs
            // neither: the
            // process ends when main returns, without the handler's first log call, which starts JBoss Logging (a fifth
            // of
            // the CPU time of `porthole --help`, docs/performance.md).
            ApplicationLifecycleManager.getDefaultExitCodeHandler().accept(exit, null);
        }
    }

    /**
     * The porthole command line for these arguments: the commands they name built in full, every
     * other command only as far as the command list of {@code porthole --help} shows it (name,
     * aliases, description), since building a command's options by reflection is most of what
     * answering takes before the boot (docs/performance.md).
     */
    static CommandLine commandLine(String... args) {
        IFactory factory = CommandLine.defaultFactory();
        Command top = PortholeCommand.class.getAnnotation(Command.class);
        CommandSpec spec = CommandSpec.wrapWithoutInspection(new PortholeCommand(), factory);
        spec.updateCommandAttributes(top, factory);
        spec.mixinStandardHelpOptions(top.mixinStandardHelpOptions());
        CommandLine line = new CommandLine(spec, factory);
        Set<String> named = Set.copyOf(Arrays.asList(args));
        for (Class<?> type : top.subcommands()) {
            Command command = type.getAnnotation(Command.class);
            if (named.contains(command.name()) || Stream.of(command.aliases()).anyMatch(named::contains)) {
                line.addSubcommand(command.name(), new CommandLine(type, factory));
            } else {
                CommandSpec listed = CommandSpec.create();
                listed.updateCommandAttributes(command, factory);
                line.addSubcommand(command.name(), listed);
            }
        }
        return CommandLineSetup.setUp(line);
    }

    /** Runs the parsed command here when it needs nothing from the application; otherwise asks for the boot. */
    private static final class BeforeBoot implements IExecutionStrategy {

        private final IExecutionStrategy run;
        private boolean bootNeeded;

        BeforeBoot(IExecutionStrategy run) {
            this.run = run;
        }

        @Override
        public int execute(ParseResult parsed) {
            Integer help = CommandLine.executeHelpRequest(parsed);
            if (help != null) {
                return help;
            }
            List<CommandLine> chain = parsed.asCommandLineList();
            CommandSpec command = chain.getLast().getCommandSpec();
            if (command.userObject() instanceof VersionCommand version) {
                if (version.printLocalLines()) {
                    System.setProperty(VersionCommand.LOCAL_LINES_PRINTED, "true");
                    bootNeeded = true;
                }
                return 0;
            }
            if (injectsNothing(command)) {
                return run.execute(parsed);
            }
            bootNeeded = true;
            return 0;
        }

        /** True when neither the command nor its mixins have an injection point: it runs the same without CDI. */
        private static boolean injectsNothing(CommandSpec command) {
            return withMixins(command).noneMatch(object -> hasInjectionPoint(object.getClass()));
        }

        private static Stream<Object> withMixins(CommandSpec command) {
            return Stream.concat(
                    Stream.of(command.userObject()),
                    command.mixins().values().stream().flatMap(BeforeBoot::withMixins));
        }

        private static boolean hasInjectionPoint(Class<?> type) {
            for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
                if (Stream.of(c.getDeclaredFields(), c.getDeclaredConstructors(), c.getDeclaredMethods())
                        .flatMap(Stream::<AccessibleObject>of)
                        .anyMatch(member -> member.isAnnotationPresent(Inject.class))) {
                    return true;
                }
            }
            return false;
        }
    }
}
