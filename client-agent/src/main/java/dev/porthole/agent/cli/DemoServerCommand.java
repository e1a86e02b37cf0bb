package dev.porthole.agent.cli;

import dev.porthole.agent.demo.DemoServer;
import io.quarkus.logging.Log;
import io.vertx.core.Vertx;
import jakarta.inject.Inject;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code porthole demo-server}: a small local service to try a tunnel with. */
@Command(
        name = "demo-server",
        mixinStandardHelpOptions = true,
        description = {
            "Serve a small demo app to try a tunnel with.",
            "For example: porthole demo-server & porthole http 3000",
            "Endpoints: /, /hello, /bytes/N, /bytes/N/sha256, /digest, /echo, /sse, /ws,",
            "/slow, /status/CODE, /headers."
        })
public class DemoServerCommand implements Callable<Integer> {

    @Option(
            names = {"-p", "--port"},
            defaultValue = "3000",
            description = "Port to listen on (default ${DEFAULT-VALUE}; 0 for any).")
    int port;

    @Option(names = "--host", defaultValue = "127.0.0.1", description = "Address to bind (default ${DEFAULT-VALUE}).")
    String host;

    @Inject
    Vertx vertx;

    private final CountDownLatch stopped = new CountDownLatch(1);

    @Override
    public Integer call() throws Exception {
        DemoServer server = new DemoServer(vertx);
        int bound;
        try {
            bound = server.start(host, port)
                    .toCompletionStage()
                    .toCompletableFuture()
                    .get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            Log.errorf(
                    "cannot listen on %s:%d: %s",
                    host,
                    port,
                    e.getCause() == null ? e.getMessage() : e.getCause().getMessage());
            return 6;
        }
        System.out.println("http://" + host + ":" + bound);
        System.out.flush();
        Log.infof("demo server listening on http://%s:%d", host, bound);
        Runtime.getRuntime().addShutdownHook(new Thread(stopped::countDown));
        stopped.await();
        return 0;
    }
}
