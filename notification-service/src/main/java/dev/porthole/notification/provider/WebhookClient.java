package dev.porthole.notification.provider;

import dev.porthole.notification.config.NotificationConfig;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.SSLException;

/**
 * Posts webhook requests with Vert.x's HTTP client and turns every outcome into a {@link Verdict}:
 * the provider reads the answer; timeouts and connection failures are retryable. Reasons never
 * carry the exception's message, because Vert.x puts the request URI (and so the robot's key) in it.
 */
@ApplicationScoped
public class WebhookClient {

    /** Most answer bytes kept; chat services answer with a few dozen. */
    static final int MAX_ANSWER_BYTES = 64 * 1024;

    private static final String USER_AGENT = "porthole-notification-service";

    private final Vertx vertx;
    private final Context context;
    private final HttpClient client;
    private final Duration timeout;

    public WebhookClient(Vertx vertx, NotificationConfig config) {
        this.vertx = vertx;
        // Every request starts on this one context, the context its pooled connections belong to, so
        // that the answer's handlers are attached in the same event-loop turn that delivers the
        // response head. Started from another context, the callback is queued as a separate task and
        // a short answer can end before it runs (Vert.x then refuses the handlers and drops the body).
        this.context = vertx.getOrCreateContext();
        this.timeout = config.notification().delivery().timeout();
        int timeoutMillis = (int) Math.min(Integer.MAX_VALUE, timeout.toMillis());
        // A channel sends one request at a time, so channels.max bounds the requests in flight;
        // the wait queue gets the same bound plus room for admin test calls.
        int channels = config.notification().channels().max();
        this.client = vertx.createHttpClient(new HttpClientOptions()
                .setConnectTimeout(timeoutMillis)
                .setMaxPoolSize(8)
                .setMaxWaitQueueSize(channels + 32)
                .setKeepAlive(true));
    }

    /** Sends the request; the stage always completes with a verdict, never exceptionally. */
    public CompletionStage<Verdict> send(NotificationProvider provider, WebhookRequest request) {
        CompletableFuture<Verdict> result = new CompletableFuture<>();
        AtomicBoolean done = new AtomicBoolean();
        long timer = vertx.setTimer(timeout.toMillis(), id -> {
            if (done.compareAndSet(false, true)) {
                result.complete(Verdict.retry("no answer within " + timeout.toMillis() + "ms"));
            }
        });
        RequestOptions options = new RequestOptions()
                .setMethod(HttpMethod.POST)
                .setAbsoluteURI(request.uri().toString())
                .setIdleTimeout(timeout.toMillis())
                .setFollowRedirects(false)
                .putHeader("Content-Type", WebhookRequest.CONTENT_TYPE)
                .putHeader("User-Agent", USER_AGENT);
        context.runOnContext(start -> client.request(options)
                .compose(req -> req.send(Buffer.buffer(request.body())))
                .compose(WebhookClient::readAnswer)
                .onComplete(outcome -> {
                    if (!done.compareAndSet(false, true)) {
                        return;
                    }
                    vertx.cancelTimer(timer);
                    if (outcome.succeeded()) {
                        result.complete(provider.verdict(outcome.result()));
                    } else {
                        result.complete(Verdict.retry(describe(outcome.cause())));
                    }
                }));
        return result;
    }

    private static Future<WebhookResponse> readAnswer(HttpClientResponse response) {
        Promise<WebhookResponse> promise = Promise.promise();
        Buffer body = Buffer.buffer();
        response.handler(chunk -> {
            int room = MAX_ANSWER_BYTES - body.length();
            if (room > 0) {
                body.appendBuffer(chunk.length() <= room ? chunk : chunk.slice(0, room));
            }
        });
        response.exceptionHandler(promise::tryFail);
        response.endHandler(v -> promise.tryComplete(new WebhookResponse(
                response.statusCode(), body.toString(), Optional.ofNullable(response.getHeader("Retry-After")))));
        return promise.future();
    }

    /** A reason without the exception's message, which may contain the URI. */
    static String describe(Throwable failure) {
        Throwable cause = failure;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        if (failure instanceof TimeoutException
                || cause instanceof TimeoutException
                || failure.getClass().getSimpleName().contains("Timeout")) {
            return "timed out";
        }
        if (cause instanceof ConnectException) {
            return "connection refused or failed";
        }
        if (cause instanceof UnknownHostException) {
            return "unknown host";
        }
        if (cause instanceof SSLException) {
            return "TLS handshake failed";
        }
        return "request failed (" + failure.getClass().getSimpleName() + ")";
    }

    @PreDestroy
    void close() {
        client.close();
    }
}
