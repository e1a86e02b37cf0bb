package dev.porthole.gateway.metrics;

import java.util.HashMap;
import java.util.Map;

/**
 * Which values of one tag (tunnel names, client ids) get their own series: the first {@code limit}
 * values that are open at the same time; others count under {@link #OTHER}. A value is held while
 * anything that uses it is open (reference counted) and gives its place back when the last one closes,
 * so that the number of series stays bounded however many tunnels come and go.
 */
final class BoundedTagValues {

    /** The tag value that stands for every value without a place of its own. */
    static final String OTHER = "other";

    private final int limit;
    private final Map<String, Integer> holders = new HashMap<>();

    BoundedTagValues(int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1, was " + limit);
        }
        this.limit = limit;
    }

    /** One more user of {@code value}; true when the value got (or already had) a place of its own. */
    synchronized boolean hold(String value) {
        Integer count = holders.get(value);
        if (count != null) {
            holders.put(value, count + 1);
            return true;
        }
        if (holders.size() >= limit || value.equals(OTHER)) {
            return false;
        }
        holders.put(value, 1);
        return true;
    }

    /** One user of {@code value} fewer; true when it was the last, so that the value's series go away. */
    synchronized boolean release(String value) {
        Integer count = holders.get(value);
        if (count == null) {
            return false;
        }
        if (count > 1) {
            holders.put(value, count - 1);
            return false;
        }
        holders.remove(value);
        return true;
    }

    /** Values that hold a place now. */
    synchronized int size() {
        return holders.size();
    }
}
