package dev.porthole.e2e.listener;

import dev.porthole.agent.api.Porthole;
import dev.porthole.agent.api.PortholeListener;
import dev.porthole.agent.dial.TunnelSocket;
import java.io.IOException;

/**
 * The listener API example of docs/agent.md, run as it is by ListenerApiIT: this program publishes
 * itself through a Porthole gateway, with no agent process, as an HTTP tunnel answered by a Vert.x
 * handler and a TCP tunnel whose connections it echoes.
 *
 * <p>Run: {@code java -cp <client-agent and its dependencies> dev.porthole.e2e.listener.ListenerExample
 * https://gateway.example.com [TOKEN [SUBDOMAIN]]}. It prints the two public addresses, one a line.
 */
public final class ListenerExample {

    private ListenerExample() {}

    public static void main(String[] args) throws Exception {
        String server = args[0];
        String token = args.length > 1 && !args[1].isEmpty() ? args[1] : System.getenv("TOKEN");
        String subdomain = args.length > 2 ? args[2] : null;

        try (PortholeListener web = Porthole.listen(server, token, subdomain);
                PortholeListener echo =
                        Porthole.builder().server(server).token(token).tcp(0)) {
            web.handle(request -> request.response()
                    .putHeader("Content-Type", "text/plain; charset=utf-8")
                    .end("Hello from " + request.path() + " via " + request.getHeader("Host") + "\n"));
            System.out.println(web.publicUrl());
            System.out.println(echo.publicUrl());

            while (true) {
                TunnelSocket connection = echo.accept(); // blocks; throws once the tunnel is closed
                Thread.ofVirtual().start(() -> echo(connection));
            }
        }
    }

    /** Sends back what the visitor sends until it half-closes, then half-closes too. */
    private static void echo(TunnelSocket connection) {
        try (connection) {
            connection.getInputStream().transferTo(connection.getOutputStream());
            connection.shutdownOutput();
        } catch (IOException e) {
            System.err.println("connection from " + connection.source() + " broke off: " + e.getMessage());
        }
    }
}
