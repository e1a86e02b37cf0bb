package dev.porthole.agent.cli;

import io.quarkus.picocli.runtime.PicocliCommandLineFactory;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * How the {@code porthole} command line reads: a usage mistake is one line, a suggestion when a
 * close option exists, and the way to the help, not the whole usage; each command's synopsis
 * names its arguments and leaves the options to the list below it (no option cut in two).
 */
@ApplicationScoped
class CommandLineSetup {

    @Produces
    CommandLine commandLine(PicocliCommandLineFactory factory) {
        return setUp(factory.create());
    }

    /** How every porthole command line reads: usage mistakes in one line, abbreviated synopses. */
    static CommandLine setUp(CommandLine line) {
        line.setParameterExceptionHandler(CommandLineSetup::usageMistake);
        // The top command's synopsis is short already: "Usage: porthole [-hV] [COMMAND]".
        line.getSubcommands().values().forEach(CommandLineSetup::abbreviateSynopses);
        return line;
    }

    private static void abbreviateSynopses(CommandLine line) {
        line.getCommandSpec().usageMessage().abbreviateSynopsis(true);
        line.getSubcommands().values().forEach(CommandLineSetup::abbreviateSynopses);
    }

    private static int usageMistake(ParameterException mistake, String[] args) {
        CommandLine line = mistake.getCommandLine();
        PrintWriter err = line.getErr();
        err.println("porthole: " + mistake.getMessage());
        if (mistake instanceof UnmatchedArgumentException unmatched
                && !unmatched.getSuggestions().isEmpty()) {
            err.println("Did you mean " + String.join(" or ", unmatched.getSuggestions()) + "?");
        }
        err.println("Try '" + line.getCommandSpec().qualifiedName() + " --help' for more information.");
        err.flush();
        return line.getCommandSpec().exitCodeOnInvalidInput();
    }
}
