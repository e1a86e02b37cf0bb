package dev.porthole.agent.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.porthole.agent.upstream.UpstreamAddress;
import dev.porthole.protocol.message.Header;
import dev.porthole.protocol.message.HttpRequestHead;
import dev.porthole.protocol.message.HttpResponseHead;
import dev.porthole.protocol.mux.MuxStream;
import io.vertx.core.buffer.Buffer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * An HTTP tunnel's requests reach the program's Vert.x handler, and only the tunnel's: the loopback
 * server behind it refuses requests that did not come through the tunnel.
 */
class ListenerHttpTest {

    private StandInGateway gateway;
    private PortholeListener listener;
    private final List<String> handled = new CopyOnWriteArrayList<>();

    @BeforeEach
    void publish() throws Exception {
        gateway = new StandInGateway();
        listener = Porthole.listen(gateway.url(), "t0ken", "api");
    }

    @AfterEach
    void stop() throws Exception {
        listener.close();
        gateway.close();
    }

    private void installHandler() {
        listener.handle(request -> {
            handled.add(request.path() + " key=" + request.getHeader(LocalHttpServer.KEY_HEADER));
            request.body()
                    .onSuccess(body -> request.response()
                            .putHeader("Content-Type", "text/plain")
                            .end("hello from " + request.path() + " (" + body.length() + " bytes)"));
        });
    }

    @Test
    void handsTheTunnelsRequestsToTheHandler() throws Exception {
        installHandler();
        assertThat(listener.publicUrl()).isEqualTo("http://api.porthole.test");

        Exchange exchange = visit("POST", "/orders", "twelve bytes");

        assertThat(exchange.head.get(10, TimeUnit.SECONDS).status()).isEqualTo(200);
        assertThat(exchange.body.get(10, TimeUnit.SECONDS)).isEqualTo("hello from /orders (12 bytes)");
        // A visitor's forged key is dropped, and the listener's own never reaches the handler.
        assertThat(handled).containsExactly("/orders key=null");
    }

    @Test
    void answers503UntilAHandlerIsInstalled() throws Exception {
        Exchange exchange = visit("GET", "/", "");

        assertThat(exchange.head.get(10, TimeUnit.SECONDS).status()).isEqualTo(503);
        assertThat(exchange.body.get(10, TimeUnit.SECONDS)).contains("PortholeListener.handle");
    }

    @Test
    void refusesRequestsThatBypassTheTunnel() throws Exception {
        installHandler();
        UpstreamAddress local = listener.localHttpServer().address();
        HttpClient direct = HttpClient.newHttpClient();
        URI uri = URI.create("http://" + local + "/orders");

        HttpResponse<String> bare =
                direct.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> forged = direct.send(
                HttpRequest.newBuilder(uri)
                        .header(LocalHttpServer.KEY_HEADER, "guessed")
                        .build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(bare.statusCode()).isEqualTo(403);
        assertThat(forged.statusCode()).isEqualTo(403);
        assertThat(bare.body()).contains("through the Porthole gateway");
        assertThat(handled).isEmpty();
    }

    @Test
    void aHandlerMayCloseItsOwnListener() throws Exception {
        CompletableFuture<Void> closedFromHandler = new CompletableFuture<>();
        listener.handle(request -> {
            request.response().end("bye");
            listener.close();
            closedFromHandler.complete(null);
        });

        visit("GET", "/bye", "");

        closedFromHandler.get(10, TimeUnit.SECONDS);
        assertThat(gateway.goAway.get(10, TimeUnit.SECONDS).reason()).isEqualTo("agent stopped");
    }

    private Exchange visit(String method, String path, String body) throws Exception {
        HttpRequestHead head = new HttpRequestHead(
                method,
                path,
                List.of(
                        new Header("Host", "api.porthole.test"),
                        new Header("Content-Length", String.valueOf(body.length())),
                        new Header(LocalHttpServer.KEY_HEADER, "forged-by-a-visitor")));
        MuxStream stream = gateway.session().openStream("api", "203.0.113.9:50000", head, body.isEmpty());
        Exchange exchange = new Exchange(new CompletableFuture<>(), new CompletableFuture<>());
        Buffer received = Buffer.buffer();
        stream.responseHandler(exchange.head::complete);
        stream.handler(received::appendBuffer);
        stream.endHandler(done -> exchange.body.complete(received.toString(StandardCharsets.UTF_8)));
        stream.exceptionHandler(exchange.body::completeExceptionally);
        if (!body.isEmpty()) {
            stream.end(Buffer.buffer(body));
        }
        return exchange;
    }

    private record Exchange(CompletableFuture<HttpResponseHead> head, CompletableFuture<String> body) {}
}
