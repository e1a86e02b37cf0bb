package dev.porthole.auth.console;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The bound of one live console page: one message in flight, rows up to the limit, then only a count; the newest table only. */
class LiveQueueTest {

    @Test
    void aPageThatDoesNotReadHoldsAtMostTheLimitAndIsToldWhatItMissed() {
        LiveQueue queue = new LiveQueue(3);
        queue.row("r1");
        assertThat(queue.next()).contains("r1");
        // r1 is not written yet: everything else waits, up to 3 rows.
        for (int i = 2; i <= 1_000; i++) {
            queue.row("r" + i);
        }
        assertThat(queue.waiting()).isEqualTo(3);
        assertThat(queue.missed()).isEqualTo(996);
        assertThat(queue.next()).as("one message in flight at most").isEmpty();

        queue.sent();
        assertThat(queue.next()).contains("r2");
        queue.sent();
        assertThat(queue.next()).contains("r3");
        queue.sent();
        assertThat(queue.next()).contains("r4");
        queue.sent();
        assertThat(queue.next()).contains("{\"missed\":996}");
        queue.sent();
        assertThat(queue.next()).isEmpty();
        assertThat(queue.missed()).isZero();
    }

    @Test
    void onlyTheNewestTableWaits() {
        LiveQueue queue = new LiveQueue(3);
        queue.table("t1");
        assertThat(queue.next()).contains("t1");
        queue.table("t2");
        queue.table("t3");
        queue.sent();
        assertThat(queue.next()).contains("t3");
        queue.sent();
        assertThat(queue.next()).isEmpty();
    }
}
