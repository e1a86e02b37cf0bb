package dev.porthole.gateway.udp;

import io.vertx.core.net.SocketAddress;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

/**
 * The visitor flows of one UDP tunnel: each visitor address and port gets a flow id (even, the
 * gateway's parity) that its datagrams carry to the agent and the agent's answers carry back. Bounded
 * in number; a flow nobody used for the idle timeout is forgotten.
 */
final class FlowTable {

    /** One visitor of the tunnel. */
    static final class Flow {
        final int id;
        final SocketAddress visitor;
        volatile long lastUsed;

        Flow(int id, SocketAddress visitor, long now) {
            this.id = id;
            this.visitor = visitor;
            this.lastUsed = now;
        }
    }

    private final int maxFlows;
    private final long idleMillis;
    private final LongSupplier clock;
    private final Map<String, Flow> byVisitor = new ConcurrentHashMap<>();
    private final Map<Integer, Flow> byId = new ConcurrentHashMap<>();
    private final AtomicInteger nextId = new AtomicInteger();

    FlowTable(int maxFlows, long idleMillis, LongSupplier clock) {
        this.maxFlows = maxFlows;
        this.idleMillis = idleMillis;
        this.clock = clock;
    }

    /** The visitor's flow, new if need be; null when the table holds as many flows as it may. */
    Flow flowFor(SocketAddress visitor) {
        long now = clock.getAsLong();
        String key = visitor.hostAddress() + "|" + visitor.port();
        Flow flow = byVisitor.get(key);
        if (flow != null) {
            flow.lastUsed = now;
            return flow;
        }
        if (byVisitor.size() >= maxFlows) {
            return null;
        }
        Flow created = new Flow(newId(), visitor, now);
        Flow raced = byVisitor.putIfAbsent(key, created);
        if (raced != null) {
            raced.lastUsed = now;
            return raced;
        }
        byId.put(created.id, created);
        return created;
    }

    /** The flow an agent's answer names, or null for one that expired or never was. */
    Flow byId(int id) {
        Flow flow = byId.get(id);
        if (flow != null) {
            flow.lastUsed = clock.getAsLong();
        }
        return flow;
    }

    /** Forgets the flows idle for longer than the timeout; returns how many. */
    int expireIdle() {
        long cutoff = clock.getAsLong() - idleMillis;
        int expired = 0;
        for (Iterator<Flow> it = byVisitor.values().iterator(); it.hasNext(); ) {
            Flow flow = it.next();
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
