package dev.porthole.agent.cli;

import dev.porthole.agent.forward.LocalListener;
import dev.porthole.agent.tunnel.AgentExit;
import dev.porthole.agent.upstream.UpstreamAddress;
import dev.porthole.protocol.relay.HalfCloseSocket;
import dev.porthole.protocol.relay.RelayEnd;
import io.quarkus.logging.Log;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import jakarta.inject.Inject;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code porthole forward --listen 0.0.0.0:8080 --target 127.0.0.1:3000}: plain local port forwarding, no gateway involved. */
@Command(
        name = "forward",
        mixinStandardHelpOptions = true,
        description = {
            "Forward a local TCP port to a target address.",
            "With half-close, a connection limit and an idle timeout. Prints the listening",
            "address on standard output."
        })
public class ForwardCommand implements Callable<Integer> {

    @Option(
            names = "--listen",
            required = true,
            paramLabel = "HOST:PORT",
            description = "Address to listen on, e.g. 0.0.0.0:8080 (port 0: any).")
    String listen;

    @Option(
            names = "--target",
            required = true,
            paramLabel = "HOST:PORT",
            description = "Where each connection goes, e.g. 127.0.0.1:3000.")
    String target;

    @Mixin
    LocalLimits limits;

    @Inject
    Vertx vertx;

    @Inject
    AgentRunner runner;

    private final CountDownLatch stopped = new CountDownLatch(1);

    @Override
    public Integer call() throws Exception {
        UpstreamAddress listenAddress;
        UpstreamAddress targetAddress;
        LocalListener listener;
        NetClient client =
                vertx.createNetClient(new NetClientOptions().setTcpNoDelay(true).setConnectTimeout(5_000));
        try {
            listenAddress = UpstreamAddress.parseListen(listen);
            targetAddress = UpstreamAddress.parse(target);
            listener = new LocalListener(
                    vertx,
                    listenAddress,
                    limits.maxConnections,
                    limits.idleTimeout,
                    source -> client.connect(targetAddress.port(), targetAddress.host())
                            .recover(error -> io.vertx.core.Future.failedFuture(
                                    "cannot connect to " + targetAddress + ": " + error.getMessage()))
                            .map(socket -> {
                                return (RelayEnd) HalfCloseSocket.wrapUnread(socket);
                            }));
        } catch (IllegalArgumentException e) {
            return runner.configError(e.getMessage());
        }
        UpstreamAddress bound = runner.bind(listener, listenAddress);
        if (bound == null) {
            return AgentExit.CONFIG_ERROR;
        }
        Log.infof("forwarding %s to %s", bound, targetAddress);
        Runtime.getRuntime().addShutdownHook(new Thread(stopped::countDown));
        stopped.await();
        return AgentExit.NORMAL;
    }
}
