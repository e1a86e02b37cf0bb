package dev.porthole.agent.cli;

import dev.porthole.agent.inspect.InspectorSettings;
import dev.porthole.agent.tunnel.AgentSettings;
import dev.porthole.agent.tunnel.StreamAcceptor;
import dev.porthole.agent.upstream.ExchangeTap;
import dev.porthole.agent.upstream.HttpUpstream;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;
import picocli.CommandLine.Mixin;

/**
 * A command that serves HTTP tunnels ({@code http}, {@code start}): how it reaches the local
 * services, the inspector, and the live status screen unless {@code --log}.
 */
abstract class HttpServingCommand extends GatewayCommand {

    @Mixin
    HttpServingOptions serving;

    @Mixin
    InspectOptions inspect;

    @Mixin
    ScreenOption screen;

    /**
     * Runs {@code settings} until the agent stops: opens the screen, starts the inspector and serves
     * the HTTP streams with it.
     *
     * @param labels what to call each tunnel on the screen (porthole.yml's entries), or null
     * @param reporter the console's reporter, made once the screen is up
     * @param acceptor what serves all streams, given the HTTP upstream
     * @return the exit code
     */
    int serve(
            AgentSettings settings,
            List<String> labels,
            Supplier<ConsoleReporter> reporter,
            Function<HttpUpstream, StreamAcceptor> acceptor) {
        InspectorSettings inspector;
        int perEventLoop;
        try {
            inspector = inspect.settings(settings.upstreamTimeout());
            perEventLoop = serving.perEventLoop(settings.links());
        } catch (IllegalArgumentException e) {
            return runner.configError(e.getMessage());
        }
        runner.screen(screen, settings, labels);
        ConsoleReporter console = reporter.get();
        ExchangeTap tap = runner.inspector(inspector);
        HttpUpstream http =
                new HttpUpstream(vertx, perEventLoop, settings.upstreamTimeout(), runner.requestLog(console), tap);
        return runner.run(settings, acceptor.apply(http), console).code();
    }
}
