package dev.porthole.agent.cli;

import dev.porthole.agent.config.AgentConfig;
import dev.porthole.agent.config.AgentConfigReader;
import dev.porthole.agent.config.InvalidConfigException;
import dev.porthole.agent.config.TunnelEntry;
import dev.porthole.agent.tunnel.AgentExit;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code porthole config check|init}: validate porthole.yml, or write a commented example. */
@Command(
        name = "config",
        mixinStandardHelpOptions = true,
        description = "Check porthole.yml, or write a commented example of it.",
        subcommands = {ConfigCommand.Check.class, ConfigCommand.Init.class})
public class ConfigCommand {

    /** The example {@code config init} writes; the tests check that it passes {@code config check}. */
    static final String EXAMPLE = "/config/porthole.example.yml";

    /** {@code porthole config check}: every mistake with its line and key, exit 6; or a summary and exit 0. */
    @Command(
            name = "check",
            mixinStandardHelpOptions = true,
            description = "Validate the config file; report every mistake with its line and key.")
    static class Check implements Callable<Integer> {

        @Mixin
        ConfigFileOption file;

        @Override
        public Integer call() {
            AgentConfig config;
            try {
                config = AgentConfigReader.read(file.path);
            } catch (InvalidConfigException e) {
                e.lines().forEach(AgentRunner::fatal);
                return AgentExit.CONFIG_ERROR;
            }
            System.out.println(file.path + ": " + config.tunnels().size() + " tunnel"
                    + (config.tunnels().size() == 1 ? "" : "s") + ", no mistakes");
            for (TunnelEntry entry : config.tunnels()) {
                System.out.println(
                        "  " + entry.label() + ": " + entry.spec().kind().name().toLowerCase(Locale.ROOT) + " -> "
                                + entry.spec().upstream());
            }
            return AgentExit.NORMAL;
        }
    }

    /** {@code porthole config init}: writes the commented example, never over an existing file unless told to. */
    @Command(name = "init", mixinStandardHelpOptions = true, description = "Write a commented example config file.")
    static class Init implements Callable<Integer> {

        @Mixin
        ConfigFileOption file;

        @Option(names = "--force", description = "Overwrite the file if it exists.")
        boolean force;

        @Override
        public Integer call() {
            try (InputStream example = ConfigCommand.class.getResourceAsStream(EXAMPLE)) {
                byte[] bytes = example.readAllBytes();
                if (force) {
                    Files.write(file.path, bytes);
                } else {
                    Files.write(file.path, bytes, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                }
            } catch (FileAlreadyExistsException e) {
                AgentRunner.fatal(file.path + " exists; add --force to overwrite it, or pick another file with -c");
                return AgentExit.CONFIG_ERROR;
            } catch (IOException e) {
                AgentRunner.fatal("cannot write " + file.path + ": " + e.getMessage());
                return AgentExit.CONFIG_ERROR;
            }
            System.out.println("wrote " + file.path
                    + "; edit it, check it with 'porthole config check', then run 'porthole start'");
            return AgentExit.NORMAL;
        }
    }
}
