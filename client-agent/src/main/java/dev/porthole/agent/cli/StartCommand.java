package dev.porthole.agent.cli;

import dev.porthole.agent.config.AgentConfig;
import dev.porthole.agent.config.AgentConfigReader;
import dev.porthole.agent.config.InvalidConfigException;
import dev.porthole.agent.config.TunnelEntry;
import dev.porthole.agent.tunnel.AgentExit;
import dev.porthole.agent.tunnel.AgentSettings;
import dev.porthole.agent.upstream.TcpUpstream;
import dev.porthole.agent.upstream.UdpUpstream;
import dev.porthole.agent.upstream.UpstreamByKind;
import java.time.Duration;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code porthole start [-c porthole.yml] [NAME...]}: the tunnels of a config file, over one connection. */
@Command(
        name = "start",
        mixinStandardHelpOptions = true,
        description = {
            "Start the tunnels of a config file (all, or those named) over one connection.",
            "Prints a table of the tunnels on standard output; a refused tunnel gets a line on standard error while the others run."
        })
public class StartCommand extends HttpServingCommand {

    @Parameters(
            arity = "0..*",
            paramLabel = "NAME",
            description = "Tunnels to start, by their name in the file (default: all).")
    List<String> names;

    @Mixin
    ConfigFileOption file;

    @Override
    public Integer call() {
        List<TunnelEntry> entries;
        AgentSettings settings;
        try {
            AgentConfig config = AgentConfigReader.read(file.path);
            entries = config.select(names);
            connection.serverFallback(config.server());
            connection.haFallback(config.ha());
            settings = runner.settings(
                    connection,
                    entries.stream().map(TunnelEntry::spec).toList(),
                    entries.stream().map(TunnelEntry::label).toList());
        } catch (InvalidConfigException e) {
            e.lines().forEach(AgentRunner::fatal);
            return AgentExit.CONFIG_ERROR;
        } catch (IllegalArgumentException e) {
            return runner.configError(e.getMessage());
        }
        // The inspector also serves /api/status (porthole status), so it runs for TCP-only files too.
        return serve(
                settings,
                entries.stream().map(TunnelEntry::label).toList(),
                () -> new ConsoleReporter(System.out, System.err, entries),
                http -> new UpstreamByKind(
                        http,
                        new TcpUpstream(vertx, Duration.ofSeconds(5)),
                        new UdpUpstream(vertx, Duration.ofSeconds(60), 1024)));
    }
}
