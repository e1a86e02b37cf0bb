package dev.porthole.agent.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Where porthole.yml is: {@code -c FILE}, else {@code $PORTHOLE_CONFIG}, else {@code porthole.yml} in the working directory. */
public final class ConfigFileOption {

    @Option(
            names = {"-c", "--config"},
            paramLabel = "FILE",
            defaultValue = "${env:PORTHOLE_CONFIG:-porthole.yml}",
            description = "Config file, default ${DEFAULT-VALUE} (env PORTHOLE_CONFIG).")
    Path path;
}
