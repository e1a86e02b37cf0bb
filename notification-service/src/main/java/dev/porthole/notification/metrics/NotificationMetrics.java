package dev.porthole.notification.metrics;

import dev.porthole.notification.provider.ProviderKind;
import java.util.function.IntSupplier;

/** What business code reports; Micrometer stays behind it. */
public interface NotificationMetrics {

    /** Outcome of reading one stream entry: routed, filtered, malformed or replay. */
    void entryRead(String outcome);

    /** One webhook attempt and its outcome: delivered, retry or rejected. */
    void attempt(ProviderKind provider, String outcome);

    /** A retry was scheduled. */
    void retryScheduled(ProviderKind provider);

    /** One event went to the dead-letter stream; kind is malformed, rejected or exhausted. */
    void deadLettered(String kind);

    /** A summary message standing for {@code events} held-back events was delivered. */
    void summaryDelivered(ProviderKind provider, int events);

    /** Events absorbed into one flapping report instead of a message each. */
    void flappingSuppressed(int events);

    /** A tunnel or agent could not be watched for flapping because the table was full. */
    void flappingUntracked();

    /** Reports the number of stream entries held (read, not yet acknowledged). */
    void watchInFlight(IntSupplier entries);
}
