package dev.porthole.gateway.ingress;

import dev.porthole.gateway.limits.TunnelLimits;
import dev.porthole.gateway.logging.LogFields;
import dev.porthole.gateway.metrics.GatewayMetrics;
import dev.porthole.gateway.registry.TunnelOwner;
import dev.porthole.protocol.PeerText;
import dev.porthole.protocol.message.HttpRequestHead;
import dev.porthole.protocol.message.HttpResponseHead;
import dev.porthole.protocol.message.ResetCode;
import dev.porthole.protocol.mux.MuxStream;
import dev.porthole.protocol.mux.StreamResetException;
import dev.porthole.protocol.relay.ReleasingWriteStream;
import dev.porthole.protocol.relay.StreamRelay;
import io.netty.util.concurrent.ScheduledFuture;
import io.quarkus.logging.Log;
import io.vertx.core.Context;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.impl.ContextInternal;
import io.vertx.core.net.NetSocket;
import io.vertx.core.streams.WriteStream;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * One visitor request carried through a tunnel stream: the request body flows to the agent and the
 * response back, each through a Vert.x pipe so that the slower side paces the faster one. Ends in
 * exactly one way: the upstream's response, or a gateway error page (404/502/504), or a cut
 * connection when the stream breaks after the response started. Never left hanging.
 */
final class HttpExchange {

    private final HttpServerRequest request;

    /** The visitor connection's context: where its protocol switch happens. */
    private final Context visitorContext;

    private final HttpServerResponse response;
    private final TunnelOwner owner;
    private final String tunnel;
    private final GatewayMetrics metrics;
    private final TunnelLimits limits;
    private final AtomicBoolean slotReleased = new AtomicBoolean();
    private volatile boolean upgraded;
    private final long startNanos = System.nanoTime();
    private final AtomicBoolean headDecided = new AtomicBoolean();
    private final AtomicBoolean finished = new AtomicBoolean();
    private final boolean upgrade;
    /** The protocols the visitor asked to upgrade to (lower case); a 101 may switch to one of these only. */
    private final Set<String> upgrades;

    private final AtomicBoolean violated = new AtomicBoolean();
    private volatile boolean finalHead;
    private volatile boolean interimSeen;
    private Vertx vertx;
    private MuxStream stream;
    private ScheduledFuture<?> responseTimeoutCheck;

    /** The tunnel policy's response header rules, applied to the head the visitor gets. */
    private final Consumer<MultiMap> responseRules;

    /** An exchange on one of the tunnel's stream slots, which it gives back when it ends. */
    HttpExchange(
            HttpServerRequest request,
            TunnelOwner owner,
            String tunnel,
            GatewayMetrics metrics,
            TunnelLimits limits,
            Consumer<MultiMap> responseRules) {
        this.request = request;
        // Made on the visitor's request handler, so on its event loop.
        this.visitorContext = Vertx.currentContext();
        this.responseRules = responseRules;
        this.limits = limits;
        this.response = request.response();
        this.owner = owner;
        this.tunnel = tunnel;
        this.metrics = metrics;
        this.upgrade = isUpgrade(request);
        this.upgrades = upgrade ? ResponseFraming.tokens(request.headers().getAll(HttpHeaders.UPGRADE)) : Set.of();
    }

    /** An HTTP/1.1 request asking to switch protocols (WebSocket and others): Upgrade, named in Connection. */
    static boolean isUpgrade(HttpServerRequest request) {
        return request.version() == HttpVersion.HTTP_1_1
                && request.headers().contains(HttpHeaders.UPGRADE)
                && request.headers().contains(HttpHeaders.CONNECTION, HttpHeaders.UPGRADE, true);
    }

    boolean isUpgrade() {
        return upgrade;
    }

    /**
     * Opens the stream and relays the request.
     *
     * @param body the body a policy already read (bounded) to verify a signature, sent instead of the request's; or null
     */
    void start(Vertx vertx, HttpRequestHead head, String source, Duration responseTimeout, Buffer body) {
        this.vertx = vertx;
        request.pause();
        boolean bodyless = !upgrade && !ForwardedRequest.hasBody(request);
        stream = owner.openStream(tunnel, source, head, bodyless);
        // Netty's timer on the visitor's event loop, not Vert.x's: one per request, and Vert.x's also
        // keeps each in a shared map and among its context's close hooks.
        ContextInternal visitor = (ContextInternal) visitorContext;
        responseTimeoutCheck = visitor.nettyEventLoop()
                .schedule(
                        () -> visitor.emit(ignored -> timedOut(responseTimeout)),
                        responseTimeout.toMillis(),
                        TimeUnit.MILLISECONDS);
        response.closeHandler(ignored -> {
            if (!finished.get()) {
                stream.reset(ResetCode.CANCEL, "visitor closed the connection");
                finish(499);
            }
        });
        // On the session's context, in one task: frames are dispatched there, so none falls between these handlers.
        stream.session().onContext(() -> {
            stream.exceptionHandler(this::onStreamFailure);
            stream.responseHandler(this::onResponseHead);
            if (!finalHead && !headDecided.get()) {
                // Until the final head: no body may come (a 1xx has none), nor may the stream end without one.
                stream.handler(data -> violation(new ResponseFraming.Violation(
                        interimSeen ? "interim-with-body" : "body-before-head",
                        interimSeen
                                ? "sent a body with an interim (1xx) response"
                                : "sent body bytes before its head")));
                stream.endHandler(ignored -> violation(
                        new ResponseFraming.Violation("no-final-head", "ended without a final response head")));
            }
        });
        if (upgrade || bodyless) {
            // No body to send: the OPEN carried FIN (or, for an upgrade, raw bytes follow only after a 101).
            request.resume();
        } else {
            long maxBody = limits.maxBodySize();
            BoundedBody towardsAgent = new BoundedBody(limits.towardsAgent(stream), maxBody);
            (body == null
                            ? request.pipe().endOnFailure(false).to(towardsAgent)
                            : BufferedBody.write(body, towardsAgent))
                    .onFailure(error -> {
                        if (error instanceof BoundedBody.TooLarge) {
                            stream.reset(ResetCode.LIMIT_REACHED, error.getMessage());
                            limits.bodyTooLarge(maxBody);
                            if (headDecided.compareAndSet(false, true)) {
                                responseTimeoutCheck.cancel(false);
                                response.putHeader(HttpHeaders.CONNECTION, "close");
                                fail(
                                        413,
                                        "body-too-large",
                                        "Content Too Large",
                                        "Requests to tunnel '" + tunnel + "' may carry at most " + maxBody
                                                + " bytes of body.");
                            } else {
                                abort();
                            }
                            return;
                        }
                        stream.reset(ResetCode.CANCEL, "visitor's request body failed: " + error.getMessage());
                        if (headDecided.compareAndSet(false, true)) {
                            fail(
                                    400,
                                    "request-aborted",
                                    "Bad Request",
                                    "The request body could not be read: " + error.getMessage());
                        } else {
                            abort();
                        }
                    });
        }
    }

    private void timedOut(Duration responseTimeout) {
        if (headDecided.compareAndSet(false, true)) {
            stream.reset(ResetCode.UPSTREAM_TIMEOUT, "no response within " + responseTimeout.toSeconds() + " s");
            fail(
                    504,
                    "upstream-timeout",
                    "Gateway Timeout",
                    "The service behind tunnel '" + tunnel + "' did not answer within " + responseTimeout.toSeconds()
                            + " seconds.");
        }
    }

    private void onResponseHead(HttpResponseHead head) {
        if (finalHead) {
            violation(new ResponseFraming.Violation("second-head", "sent a second response head"));
            return;
        }
        if (headDecided.get()) {
            return;
        }
        ResponseFraming.Decision decision = ResponseFraming.decide(head, request.method() == HttpMethod.HEAD, upgrades);
        switch (decision) {
            case ResponseFraming.Refused refused -> {
                violation(new ResponseFraming.Violation(refused.reason(), refused.detail()));
                return;
            }
            case ResponseFraming.Interim interim -> {
                // Not the answer (102, 103, a 100 the visitor's parser already handled): the timeout still runs.
                interimSeen = true;
                return;
            }
            default -> {}
        }
        if (!headDecided.compareAndSet(false, true)) {
            return;
        }
        finalHead = true;
        responseTimeoutCheck.cancel(false);
        // The body's relay takes over from the guards set at the start.
        stream.handler(null);
        stream.endHandler(null);
        if (response.closed()) {
            stream.reset(ResetCode.CANCEL, "visitor closed the connection");
            return;
        }
        response.setStatusCode(head.status());
        if (!head.reason().isEmpty()) {
            response.setStatusMessage(head.reason());
        }
        boolean switching = decision instanceof ResponseFraming.Switching;
        ResponseFraming.copyHeaders(
                head,
                response,
                switching,
                decision instanceof ResponseFraming.Final f && f.bodyless() && head.status() != 204);
        responseRules.accept(response.headers());
        if (switching) {
            // The 101 and the swap of the connection's HTTP codec for a raw socket in one task of the
            // visitor's event loop. From the session's loop they were two tasks there, and a client that
            // answered the 101 at once could have its first bytes read by the HTTP codec in between and
            // lost (under load, HttpTunnelIT's WebSocket echo now and then never came back).
            visitorContext.runOnContext(ignored -> ConnectionTakeover.toNetSocket(request)
                    .onSuccess(this::relayUpgraded)
                    .onFailure(error -> {
                        stream.reset(ResetCode.CANCEL, "visitor upgrade failed");
                        abort();
                    }));
            return;
        }
        if (upgrade) {
            stream.end();
        }
        ResponseFraming.Final framing = (ResponseFraming.Final) decision;
        WriteStream<Buffer> body = limits.towardsVisitor(response);
        body = new ResponseFraming.WithTrailers(body, stream, response);
        if (framing.bodyless()) {
            body = new ResponseFraming.ExactLength(body, 0);
        } else if (framing.length() >= 0) {
            response.putHeader(HttpHeaders.CONTENT_LENGTH, String.valueOf(framing.length()));
            body = new ResponseFraming.ExactLength(body, framing.length());
        } else if (request.version() != HttpVersion.HTTP_1_0) {
            response.setChunked(true);
        }
        // The frames' pooled payloads go to the visitor's socket as they are, released once written.
        StreamRelay.relay(stream.readerTakesOver(), new ReleasingWriteStream(body))
                .onComplete(result -> {
                    if (result.succeeded()) {
                        finish(head.status());
                    } else if (result.cause() instanceof ResponseFraming.Violation broken) {
                        violation(broken);
                    } else {
                        try (LogFields fields = LogFields.of(owner.clientId(), tunnel)) {
                            Log.debugf(
                                    "tunnel '%s': response cut after the head: %s",
                                    tunnel, result.cause().getMessage());
                        }
                        stream.reset(ResetCode.CANCEL, "response could not be delivered");
                        abort();
                    }
                });
    }

    /**
     * The agent's response broke the framing rules: a 502 if nothing went to the visitor yet, else
     * the visitor's connection is cut, so that no byte of it is read as another response. Counted,
     * and logged in one line (without the agent's text).
     */
    private void violation(ResponseFraming.Violation broken) {
        if (!violated.compareAndSet(false, true)) {
            return;
        }
        metrics.agentResponseRefused(broken.reason());
        boolean answered = headDecided.compareAndSet(false, true);
        try (LogFields fields = LogFields.of(owner.clientId(), tunnel)) {
            Log.warnf(
                    "tunnel '%s': the agent's response %s (%s); %s",
                    tunnel,
                    broken.getMessage(),
                    broken.reason(),
                    answered ? "answered 502" : "visitor's connection cut");
        }
        stream.reset(ResetCode.STREAM_ERROR, "the gateway refused the response: it " + broken.getMessage());
        if (answered) {
            responseTimeoutCheck.cancel(false);
            fail(StreamFailurePage.BAD_RESPONSE);
        } else {
            abort();
        }
    }

    private void relayUpgraded(NetSocket socket) {
        // The stream slot stays taken for as long as the upgraded connection lives.
        upgraded = true;
        socket.closeHandler(ignored -> releaseSlot());
        finish(101);
        socket.pipe()
                .endOnFailure(false)
                .to(limits.towardsAgent(stream))
                .onFailure(error -> stream.reset(ResetCode.CANCEL, "visitor's socket failed"));
        StreamRelay.relay(stream.readerTakesOver(), new ReleasingWriteStream(limits.towardsVisitor(socket)))
                .onFailure(error -> socket.close());
    }

    /**
     * The stream failed. Before the head the visitor gets an error page that says what happened in
     * general words: the agent's reset message names the local service's address and the agent's
     * inner workings, so it goes to the log (escaped), as it does to the agent's log and inspector.
     */
    private void onStreamFailure(Throwable error) {
        if (headDecided.compareAndSet(false, true)) {
            responseTimeoutCheck.cancel(false);
            ResetCode code = error instanceof StreamResetException reset ? reset.code() : ResetCode.INTERNAL;
            try (LogFields fields = LogFields.of(owner.clientId(), tunnel)) {
                Log.debugf(
                        "tunnel '%s': stream failed before the response head (%s): %s",
                        tunnel, code, PeerText.quote(error.getMessage()));
            }
            if (code == ResetCode.STREAM_ERROR) {
                // The head broke RFC 9110 (the gateway's decoder reset the stream) or the agent found the
                // upstream's broken.
                metrics.agentResponseRefused("malformed-head");
                try (LogFields fields = LogFields.of(owner.clientId(), tunnel)) {
                    Log.warnf(
                            "tunnel '%s': the agent's response was refused: %s; answered 502",
                            tunnel, PeerText.quote(error.getMessage()));
                }
            }
            fail(StreamFailurePage.of(code, tunnel));
        } else {
            // The response had started: cutting the connection is the only honest signal left.
            abort();
        }
    }

    private void fail(StreamFailurePage page) {
        fail(page.status(), page.code(), page.title(), page.detail());
    }

    private void fail(int status, String code, String title, String detail) {
        if (stream != null) {
            stream.reset(ResetCode.CANCEL, "gateway answered " + status);
        }
        ErrorPages.send(request, status, code, title, detail);
        finish(status);
    }

    /**
     * Cuts the visitor's connection. The close waits for the next turn of the event loop: a failed
     * write to a connection that closed meanwhile reports its failure from inside Netty's write,
     * and a close from there makes Netty release the failed message twice and log 80 lines of
     * stack trace (seen in bench/flood.sh when wrk hung up mid-response), which any visitor could
     * repeat at will.
     */
    private void abort() {
        vertx.runOnContext(ignored -> {
            if (!response.closed()) {
                request.connection().close();
            }
        });
        finish(502);
    }

    private void finish(int status) {
        if (finished.compareAndSet(false, true)) {
            metrics.tunnelRequest(tunnel, owner.clientId(), status, Duration.ofNanos(System.nanoTime() - startNanos));
            if (!upgraded) {
                releaseSlot();
            }
        }
    }

    private void releaseSlot() {
        if (slotReleased.compareAndSet(false, true)) {
            limits.closeStream();
        }
    }
}
