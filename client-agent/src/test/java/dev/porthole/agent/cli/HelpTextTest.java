package dev.porthole.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Every command's help as an 80-column terminal shows it: no sentence cut off in the command list, no token broken across lines. */
class HelpTextTest {

    private static final int COLUMNS = 80;

    private static List<CommandLine> everyCommand() {
        List<CommandLine> all = new ArrayList<>();
        collect(CommandLineSetup.setUp(new CommandLine(new PortholeCommand())), all);
        return all;
    }

    private static void collect(CommandLine line, List<CommandLine> all) {
        all.add(line);
        line.getSubcommands().values().forEach(sub -> collect(sub, all));
    }

    private static String help(CommandLine line, int width) {
        line.setUsageHelpWidth(width);
        return line.getUsageMessage(CommandLine.Help.Ansi.OFF);
    }

    @Test
    void theCommandListShowsAWholeSentenceForEachCommand() {
        CommandLine top = new CommandLine(new PortholeCommand());
        List<String> cut = new ArrayList<>();
        top.getSubcommands().forEach((name, sub) -> {
            String[] description = sub.getCommandSpec().usageMessage().description();
            if (description.length == 0 || !description[0].strip().endsWith(".")) {
                cut.add(name + ": " + (description.length == 0 ? "(none)" : description[0]));
            }
        });
        assertThat(cut)
                .as("commands whose first description line (the one the command list shows) is no whole sentence")
                .isEmpty();
    }

    @Test
    void noLineBreaksInsideAWordAUrlOrAHostAndPort() {
        List<String> broken = new ArrayList<>();
        for (CommandLine line : everyCommand()) {
            String name = line.getCommandSpec().qualifiedName();
            Set<String> narrow = new HashSet<>(Arrays.asList(help(line, COLUMNS).split("\\s+")));
            Arrays.stream(help(line, 1000).split("\\s+"))
                    .filter(token -> !narrow.contains(token))
                    .distinct()
                    .forEach(token -> broken.add(name + ": " + token));
        }
        assertThat(broken)
                .as("tokens broken across lines at %d columns", COLUMNS)
                .isEmpty();
    }

    @Test
    void noLineIsWiderThanTheTerminal() {
        for (CommandLine line : everyCommand()) {
            assertThat(help(line, COLUMNS).lines())
                    .as(line.getCommandSpec().qualifiedName())
                    .allMatch(text -> text.length() <= COLUMNS);
        }
    }
}
