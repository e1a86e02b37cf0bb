package dev.porthole.agent.inspect;

import dev.porthole.agent.upstream.ExchangeTap;
import dev.porthole.agent.upstream.UpstreamAddress;
import dev.porthole.protocol.message.Header;
import dev.porthole.protocol.message.HttpRequestHead;
import dev.porthole.protocol.message.HttpResponseHead;
import io.vertx.core.buffer.Buffer;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;

/**
 * One request that went through the agent (or was replayed by the inspector) and what came back:
 * heads, the first bytes of both bodies, and timings. Filled in from the relay's event loops while
 * it happens; read by the inspector's pages at any time.
 */
public final class CapturedExchange implements ExchangeTap.Recording {

    /** Where an exchange is. */
    public enum State {
        /** No full response yet. */
        IN_PROGRESS,
        /** The response was passed on completely. */
        COMPLETE,
        /** Ended without a full response (upstream refused or timed out, visitor left). */
        FAILED
    }

    private final long id;
    private final Long replayOf;
    private final Instant startedAt;
    private final String tunnel;
    private final UpstreamAddress upstream;
    private final HttpRequestHead request;
    private final BodyCapture requestBody;
    private final BodyCapture responseBody;
    private final long startNanos = System.nanoTime();
    private final Consumer<CapturedExchange> onSettled;
    private HttpResponseHead response;
    private long headNanos;
    private long endNanos;
    private State state = State.IN_PROGRESS;
    private int status;
    private String error;
    /**
     * What the store charged this exchange to its budget, and whether the store still keeps it; both
     * read and written only under the store's lock.
     */
    long charged;

    boolean kept;

    CapturedExchange(
            long id,
            Long replayOf,
            Instant startedAt,
            String tunnel,
            UpstreamAddress upstream,
            HttpRequestHead request,
            BodyCapture requestBody,
            int bodyCap,
            Consumer<CapturedExchange> onSettled) {
        this.id = id;
        this.replayOf = replayOf;
        this.startedAt = startedAt;
        this.tunnel = tunnel;
        this.upstream = upstream;
        this.request = request;
        this.requestBody = requestBody;
        this.responseBody = new BodyCapture(bodyCap);
        this.onSettled = onSettled;
    }

    @Override
    public void requestBody(Buffer chunk) {
        requestBody.append(chunk);
    }

    @Override
    public synchronized void responseHead(HttpResponseHead head) {
        if (response == null) {
            response = head;
            status = head.status();
            headNanos = System.nanoTime();
        }
    }

    @Override
    public void responseBody(Buffer chunk) {
        responseBody.append(chunk);
    }

    @Override
    public void completed() {
        settle(State.COMPLETE, status, null);
    }

    @Override
    public void failed(int failureStatus, String reason) {
        settle(State.FAILED, failureStatus, reason);
    }

    private void settle(State outcome, int finalStatus, String reason) {
        synchronized (this) {
            if (state != State.IN_PROGRESS) {
                return;
            }
            state = outcome;
            status = finalStatus;
            error = reason;
            endNanos = System.nanoTime();
        }
        // Outside the lock: the store takes its own lock and then asks this exchange for its size.
        onSettled.accept(this);
    }

    public long id() {
        return id;
    }

    /** The id of the exchange this one replays, or null for a visitor's request. */
    public Long replayOf() {
        return replayOf;
    }

    public Instant startedAt() {
        return startedAt;
    }

    public String tunnel() {
        return tunnel;
    }

    public UpstreamAddress upstream() {
        return upstream;
    }

    public HttpRequestHead request() {
        return request;
    }

    public BodyCapture requestBody() {
        return requestBody;
    }

    public BodyCapture responseBody() {
        return responseBody;
    }

    /** The response head, or null if none arrived (yet). */
    public synchronized HttpResponseHead response() {
        return response;
    }

    public synchronized State state() {
        return state;
    }

    /** The status the visitor saw: the upstream's, or the gateway's 502/504 for a failure; 0 while waiting. */
    public synchronized int status() {
        return status;
    }

    /** Why the exchange failed, or null. */
    public synchronized String error() {
        return error;
    }

    /** Time to the response head, or null if none came. */
    public synchronized Duration timeToHead() {
        return response == null ? null : Duration.ofNanos(headNanos - startNanos);
    }

    /** Time until the exchange ended, or until now while it is in progress. */
    public synchronized Duration duration() {
        return Duration.ofNanos((state == State.IN_PROGRESS ? System.nanoTime() : endNanos) - startNanos);
    }

    /** What this exchange costs the inspector's memory budget: heads and kept body bytes, roughly. */
    public synchronized long retainedBytes() {
        long bytes = 256 + request.method().length() + request.uri().length() + headerBytes(request.headers());
        if (response != null) {
            bytes += response.reason().length() + headerBytes(response.headers());
        }
        if (error != null) {
            bytes += error.length();
        }
        return bytes + requestBody.keptBytes() + responseBody.keptBytes();
    }

    private static long headerBytes(List<Header> headers) {
        long bytes = 0;
        for (Header header : headers) {
            bytes += 32 + header.name().length() + header.value().length();
        }
        return bytes;
    }
}
