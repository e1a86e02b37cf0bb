package dev.porthole.gateway.udp;

import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

/**
 * The visitor flows of one UDP tunnel: each visitor (an address and port for a public tunnel, a dialing
 * agent's flow for a private one) gets a flow id (even, the gateway's parity) that its datagrams carry
 * to the agent and the agent's answers carry back. Bounded in number; a flow nobody used for the idle
 * timeout is forgotten. The key is the visitor itself (its {@code equals}), so that no key is built per
 * datagram.
 *
 * @param <K> what tells visitors apart
 */
final class FlowTable<K> {

    /** One visitor of the tunnel. */
    static final class Flow<K> {
        final int id;
        final K visitor;
        volatile long lastUsed;

        Flow(int id, K visitor, long now) {
            this.id = id;
            this.visitor = visitor;
            this.lastUsed = now;
        }
    }

    private final int maxFlows;
    private final long idleMillis;
    private final LongSupplier clock;
    private final Map<K, Flow<K>> byVisitor = new ConcurrentHashMap<>();
    private final Map<Integer, Flow<K>> byId = new ConcurrentHashMap<>();
    private final AtomicInteger nextId = new AtomicInteger();

    FlowTable(int maxFlows, long idleMillis, LongSupplier clock) {
        this.maxFlows = maxFlows;
        this.idleMillis = idleMillis;
        this.clock = clock;
    }

    /** The visitor's flow, new if need be; null when the table holds as many flows as it may. */
    Flow<K> flowFor(K visitor) {
        long now = clock.getAsLong();
        Flow<K> flow = byVisitor.get(visitor);
        if (flow != null) {
            flow.lastUsed = now;
            return flow;
        }
        if (byVisitor.size() >= maxFlows) {
            return null;
        }
        Flow<K> created = new Flow<>(newId(), visitor, now);
        Flow<K> raced = byVisitor.putIfAbsent(visitor, created);
        if (raced != null) {
            raced.lastUsed = now;
            return raced;
        }
        byId.put(created.id, created);
        return created;
    }

    /** The flow an agent's answer names, or null for one that expired or never was. */
    Flow<K> byId(int id) {
        Flow<K> flow = byId.get(id);
        if (flow != null) {
            flow.lastUsed = clock.getAsLong();
        }
        return flow;
    }

    /** Forgets the flows idle for longer than the timeout; returns how many. */
    int expireIdle() {
        long cutoff = clock.getAsLong() - idleMillis;
        int expired = 0;
        for (Iterator<Flow<K>> it = byVisitor.values().iterator(); it.hasNext(); ) {
            Flow<K> flow = it.next();
            if (flow.lastUsed < cutoff) {
                it.remove();
                byId.remove(flow.id);
                expired++;
            }
        }
        return expired;
    }

    int size() {
        return byVisitor.size();
    }

    /** Forgets the flows whose visitor matches, at once (a dial that ended); returns how many. */
    int removeIf(java.util.function.Predicate<K> gone) {
        int removed = 0;
        for (Iterator<Flow<K>> it = byVisitor.values().iterator(); it.hasNext(); ) {
            Flow<K> flow = it.next();
            if (gone.test(flow.visitor)) {
                it.remove();
                byId.remove(flow.id);
                removed++;
            }
        }
        return removed;
    }

    void clear() {
        byVisitor.clear();
        byId.clear();
    }

    /** Even ids, never 0, wrapping past 2^32 while skipping ids still in use. */
    private int newId() {
        while (true) {
            int id = nextId.addAndGet(2);
            if (id != 0 && !byId.containsKey(id)) {
                return id;
            }
        }
    }
}
