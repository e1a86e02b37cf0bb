package dev.porthole.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * What {@link PortholeMain} answers before Quarkus boots (the command classes built by picocli's
 * own factory) is what the booted application's command line (built by CDI) answers: the same
 * help for every command, the same usage mistakes, the same exit codes.
 */
@QuarkusTest
class AnswersBeforeBootTest {

    @Inject
    CommandLine booted;

    private static CommandLine beforeBoot() {
        return CommandLineSetup.setUp(new CommandLine(new PortholeCommand()));
    }

    @Test
    void everyCommandsHelpIsTheSameBeforeTheBoot() {
        Map<String, String> before = helpOfEveryCommand(beforeBoot());
        assertThat(before).as("commands with help").hasSizeGreaterThan(10);
        assertThat(before).isEqualTo(helpOfEveryCommand(booted));
    }

    @Test
    void usageMistakesReadTheSameBeforeTheBoot() {
        List<String[]> mistakes = List.of(new String[] {}, new String[] {"nope"}, new String[] {"http"},
                new String[] {"http", "3000", "--subdomian"}, new String[] {"version", "--bogus"}, new String[] {"config", "check", "--config"},
                new String[] {"tcp", "22", "--max-retries", "many"}, new String[] {"status", "extra"});
        for (String[] args : mistakes) {
            assertThat(run(beforeBoot(), args)).as(String.join(" ", args)).isEqualTo(run(booted, args)).startsWith("exit 2\n");
        }
    }

    private static Map<String, String> helpOfEveryCommand(CommandLine line) {
        Map<String, String> help = new LinkedHashMap<>();
        collect(line, help);
        return help;
    }

    private static void collect(CommandLine line, Map<String, String> help) {
        help.put(line.getCommandSpec().qualifiedName(), line.getUsageMessage(CommandLine.Help.Ansi.OFF));
        line.getSubcommands().values().forEach(sub -> collect(sub, help));
    }

    /** Exit code, standard output and standard error of a run that never reaches a command's code. */
    private static String run(CommandLine line, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        line.setOut(new PrintWriter(out)).setErr(new PrintWriter(err));
        int exit = line.execute(args);
        return "exit " + exit + "\nout:\n" + out + "err:\n" + err;
    }
}
