package dev.porthole.agent.cli;

import picocli.CommandLine.Option;

/** Whether a tunnel command draws the live status screen (standard output a terminal) or prints log lines. */
public final class ScreenOption {

    @Option(
            names = "--log",
            defaultValue = "${env:PORTHOLE_LOG:-false}",
            description = "Print log lines instead of the live status screen, also on a terminal (env PORTHOLE_LOG).")
    boolean log;
}
