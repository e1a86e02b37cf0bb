package dev.porthole.gateway.limits;

import dev.porthole.protocol.relay.RelayEnd;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;
import io.vertx.core.streams.WriteStream;
import java.util.EnumMap;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The limits of one tunnel as its visitors meet them: concurrent streams, requests per second,
 * request body size, and the upload and download buckets it shares with its client and the gateway.
 */
public final class TunnelLimits {

    private final String clientId;
    private final String tunnel;
    private final LimitPolicy policy;
    private final AtomicInteger streams = new AtomicInteger();
    private final TokenBucket requests;
    private final Throttle upload;
    private final Throttle download;
    private final Map<LimitKind, Long> lastReported = new EnumMap<>(LimitKind.class);

    TunnelLimits(
            String clientId,
            String tunnel,
            LimitPolicy policy,
            TokenBucket requests,
            Throttle upload,
            Throttle download) {
        this.clientId = clientId;
        this.tunnel = tunnel;
        this.policy = policy;
        this.requests = requests;
        this.upload = upload;
        this.download = download;
    }

    public String tunnel() {
        return tunnel;
    }

    /** Takes a stream slot; false (and reported) when the tunnel has as many as it may. Give it back with {@link #closeStream()}. */
    public boolean openStream() {
        int limit = maxStreams();
        if (streams.incrementAndGet() > limit) {
            streams.decrementAndGet();
            hit(LimitKind.STREAMS, limit + " concurrent requests");
            return false;
        }
        return true;
    }

    public void closeStream() {
        streams.decrementAndGet();
    }

    /** Streams open now. */
    public int streams() {
        return streams.get();
    }

    /** Counts one request; empty when it may pass, otherwise the whole seconds until it may be retried. */
    public OptionalLong admitRequest() {
        requests.set(policy.current().requestsPerSecondPerTunnel());
        long wait = requests.tryTake();
        if (wait == 0) {
            return OptionalLong.empty();
        }
        hit(LimitKind.REQUESTS, requests.perSecond() + " requests per second");
        return OptionalLong.of(Math.max(1, (wait + 999_999_999L) / 1_000_000_000L));
    }

    /** The request rate in force (0: none). */
    public long requestsPerSecond() {
        return requests.perSecond();
    }

    /** The most streams the tunnel may have open at once now. */
    public int maxStreams() {
        return policy.current().streamsPerTunnel();
    }

    /** The largest request body a visitor may send now. */
    public long maxBodySize() {
        return policy.current().maxBodySize();
    }

    /** A request body larger than allowed was refused. */
    public void bodyTooLarge(long limit) {
        hit(LimitKind.BODY_SIZE, limit + " bytes");
    }

    /** Writes towards the agent (visitors' bytes), paced by the upload buckets. */
    public ThrottledWriteStream towardsAgent(WriteStream<Buffer> stream) {
        return new ThrottledWriteStream(stream, upload, policy.wakeups(), () -> hit(LimitKind.UPLOAD, "bandwidth"));
    }

    /** Writes towards a visitor (the agent's bytes), paced by the download buckets. */
    public ThrottledWriteStream towardsVisitor(WriteStream<Buffer> stream) {
        return new ThrottledWriteStream(stream, download, policy.wakeups(), () -> hit(LimitKind.DOWNLOAD, "bandwidth"));
    }

    /** A relay end whose sink is paced: the visitor's end by download, the agent's end by upload. */
    public RelayEnd paced(RelayEnd end, boolean visitorSide) {
        WriteStream<Buffer> sink = visitorSide ? towardsVisitor(end.sink()) : towardsAgent(end.sink());
        return new RelayEnd() {
            @Override
            public ReadStream<Buffer> source() {
                return end.source();
            }

            @Override
            public WriteStream<Buffer> sink() {
                return sink;
            }

            @Override
            public void failureHandler(Handler<Throwable> handler) {
                end.failureHandler(handler);
            }

            @Override
            public void abort(Throwable cause) {
                end.abort(cause);
            }

            @Override
            public void finish() {
                end.finish();
            }
        };
    }

    private void hit(LimitKind kind, String detail) {
        long now = policy.nanoTime();
        boolean publish;
        synchronized (lastReported) {
            Long last = lastReported.get(kind);
            publish = last == null || now - last >= LimitPolicy.REPORT_INTERVAL.toNanos();
            if (publish) {
                lastReported.put(kind, now);
            }
        }
        policy.report(clientId, tunnel, kind, detail, publish);
    }
}
