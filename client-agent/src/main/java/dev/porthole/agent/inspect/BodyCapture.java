package dev.porthole.agent.inspect;

import io.vertx.core.buffer.Buffer;

/**
 * The first bytes of a body, up to a cap, and how long the body was in all. Copies at most the cap,
 * so a large upload or download costs the inspector no more than that.
 */
public final class BodyCapture {

    private final int cap;
    private final Buffer kept = Buffer.buffer();
    private long total;

    public BodyCapture(int cap) {
        if (cap < 0) {
            throw new IllegalArgumentException("body cap must not be negative, was " + cap);
        }
        this.cap = cap;
    }

    /** A body known in full (a replay's request). */
    static BodyCapture of(byte[] body, int cap) {
        BodyCapture capture = new BodyCapture(cap);
        capture.append(Buffer.buffer(body));
        return capture;
    }

    /** Counts the chunk and keeps the part of it that still fits under the cap. */
    public synchronized void append(Buffer chunk) {
        int room = cap - kept.length();
        if (room > 0) {
            kept.appendBuffer(chunk, 0, Math.min(room, chunk.length()));
        }
        total += chunk.length();
    }

    /** A copy of the kept bytes. */
    public synchronized byte[] bytes() {
        return kept.getBytes();
    }

    public synchronized int keptBytes() {
        return kept.length();
    }

    /** Every byte the body had, kept or not. */
    public synchronized long totalBytes() {
        return total;
    }

    /** True when the body was longer than the cap, so only its head is kept. */
    public synchronized boolean truncated() {
        return total > kept.length();
    }

    public int cap() {
        return cap;
    }
}
