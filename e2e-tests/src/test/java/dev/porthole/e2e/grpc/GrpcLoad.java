package dev.porthole.e2e.grpc;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.StreamObserver;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A closed-loop load of {@link EchoService#SAY} calls: a fixed number in flight, each caller making its
 * next call when the last one answered, for bench/grpc.sh.
 */
final class GrpcLoad {

    /** What a measured run gave: its rate, median and 99th percentile latency, failed calls. */
    record Result(double callsPerSecond, double p50Millis, double p99Millis, long errors) {}

    private final Channel channel;
    private final int concurrency;

    GrpcLoad(Channel channel, int concurrency) {
        this.channel = channel;
        this.concurrency = concurrency;
    }

    /** Loads for {@code warmupSeconds} unmeasured (the JIT), then measures {@code measureSeconds}. */
    Result warmUpAndMeasure(long warmupSeconds, long measureSeconds) throws InterruptedException {
        run(warmupSeconds);
        return run(measureSeconds);
    }

    private Result run(long seconds) throws InterruptedException {
        long start = System.nanoTime();
        long deadline = start + TimeUnit.SECONDS.toNanos(seconds);
        CountDownLatch done = new CountDownLatch(concurrency);
        AtomicLong errors = new AtomicLong();
        Caller[] callers = new Caller[concurrency];
        for (int i = 0; i < concurrency; i++) {
            callers[i] = new Caller(deadline, done, errors);
            callers[i].next();
        }
        if (!done.await(seconds + 60, TimeUnit.SECONDS)) {
            throw new IllegalStateException("calls still unanswered 60 s after the run ended");
        }
        double elapsed = (System.nanoTime() - start) / 1e9;
        long[] latencies = Arrays.stream(callers)
                .flatMapToLong(caller -> Arrays.stream(caller.latencies, 0, caller.count))
                .sorted()
                .toArray();
        return new Result(
                latencies.length / elapsed, percentile(latencies, 0.50), percentile(latencies, 0.99), errors.get());
    }

    private static double percentile(long[] sorted, double fraction) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        return sorted[(int) Math.min(sorted.length - 1, Math.ceil(fraction * sorted.length) - 1)] / 1e6;
    }

    /** One call in flight at a time; its latencies are written by whichever thread completes its call. */
    private final class Caller implements StreamObserver<String> {
        private final long deadline;
        private final CountDownLatch done;
        private final AtomicLong errors;
        private long[] latencies = new long[1024];
        private int count;
        private long sent;

        Caller(long deadline, CountDownLatch done, AtomicLong errors) {
            this.deadline = deadline;
            this.done = done;
            this.errors = errors;
        }

        void next() {
            sent = System.nanoTime();
            if (sent >= deadline) {
                done.countDown();
                return;
            }
            ClientCalls.asyncUnaryCall(
                    channel.newCall(EchoService.SAY, CallOptions.DEFAULT.withDeadlineAfter(30, TimeUnit.SECONDS)),
                    "load",
                    this);
        }

        @Override
        public void onNext(String value) {
            if (count == latencies.length) {
                latencies = Arrays.copyOf(latencies, count * 2);
            }
            latencies[count++] = System.nanoTime() - sent;
        }

        @Override
        public void onError(Throwable t) {
            errors.incrementAndGet();
            next();
        }

        @Override
        public void onCompleted() {
            next();
        }
    }
}
