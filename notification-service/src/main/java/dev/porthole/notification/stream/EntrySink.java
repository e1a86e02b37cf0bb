package dev.porthole.notification.stream;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Set;

/** Takes the entries the consumer reads, and tells it how many more it can hold. */
public interface EntrySink {

    /** How many more entries can be held now. */
    int freeSlots();

    /** Waits up to {@code max} for a free slot; true when there is one. */
    boolean awaitFreeSlot(Duration max) throws InterruptedException;

    /** Whether this entry is already held (read earlier and not yet acknowledged). */
    boolean holds(String entryId);

    /** The entries held, to keep them claimed. */
    Set<String> held();

    /** Entries another consumer took over: stop working on them. */
    void lost(Collection<String> entryIds);

    /** Hands over entries; the caller never passes more than {@link #freeSlots()}. */
    void accept(List<StreamEntry> entries);

    /** Nothing new was read: a chance to pick up channel changes (for example a deleted channel). */
    void idle();
}
