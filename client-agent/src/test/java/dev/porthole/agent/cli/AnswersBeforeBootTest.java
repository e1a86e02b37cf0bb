package dev.porthole.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * What {@link PortholeMain} answers before Quarkus boots (only the commands the arguments name
 * built in full, by picocli's own factory) is what the booted application's command line (every
 * command, built by CDI) answers: the same help for every command, the same version, the same
 * usage mistakes, the same exit codes.
 */
@QuarkusTest
class AnswersBeforeBootTest {

    @Inject
    CommandLine booted;

    @Test
    void everyCommandsHelpIsTheSameBeforeTheBoot() {
        List<List<String>> helpRequests = new ArrayList<>(List.of(List.of("--version"), List.of("-V")));
        collectHelpRequests(booted, List.of(), helpRequests);
        assertThat(helpRequests).as("help requests").hasSizeGreaterThan(15);
        for (List<String> request : helpRequests) {
            String[] args = request.toArray(String[]::new);
            assertThat(run(PortholeMain.commandLine(args), args))
                    .as(String.join(" ", args))
                    .isEqualTo(run(booted, args))
                    .startsWith("exit 0\n")
                    .doesNotContain("err:\n" + "porthole");
        }
    }

    @Test
    void usageMistakesReadTheSameBeforeTheBoot() {
        List<String[]> mistakes = List.of(
                new String[] {},
                new String[] {"nope"},
                new String[] {"htp", "3000"},
                new String[] {"http"},
                new String[] {"http", "3000", "--subdomian"},
                new String[] {"version", "--bogus"},
                new String[] {"config", "check", "--config"},
                new String[] {"config", "chek"},
                new String[] {"tcp", "22", "--max-retries", "many"},
                new String[] {"status", "extra"},
                new String[] {"--server", "http://gw", "http", "3000"},
                new String[] {"http", "3000", "http"});
        for (String[] args : mistakes) {
            assertThat(run(PortholeMain.commandLine(args), args))
                    .as(String.join(" ", args))
                    .isEqualTo(run(booted, args))
                    .startsWith("exit 2\n");
        }
    }

    /** "--help" after the path of every command, and "-h" after the top's. */
    private static void collectHelpRequests(CommandLine line, List<String> path, List<List<String>> requests) {
        List<String> help = new ArrayList<>(path);
        help.add("--help");
        requests.add(help);
        if (path.isEmpty()) {
            requests.add(List.of("-h"));
        }
        line.getSubcommands().forEach((name, sub) -> {
            List<String> subPath = new ArrayList<>(path);
            subPath.add(name);
            collectHelpRequests(sub, subPath, requests);
        });
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
