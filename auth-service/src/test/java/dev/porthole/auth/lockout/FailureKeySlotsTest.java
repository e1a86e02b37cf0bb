package dev.porthole.auth.lockout;

import static dev.porthole.testing.ClusterSlots.slot;
import static dev.porthole.testing.ClusterSlots.slots;
import static org.assertj.core.api.Assertions.assertThat;

import dev.porthole.auth.repository.RedisKeys;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Keeps the failure ledger cluster-safe (issue 22): the keys its counting script touches for one
 * address hash to one Redis Cluster slot (CRC16, as the cluster computes it), and different
 * addresses spread over the slots. {@code RedisClusterTest} runs the scripts on a real cluster.
 */
class FailureKeySlotsTest {

    private final RedisKeys keys = new RedisKeys(() -> "porthole:");

    @Test
    void theKeysOfOneAddressShareASlot() {
        for (String address : List.of("203.0.113.7", "2001:db8:1:2::/64", "unknown")) {
            for (String client : new String[] {"ci-runner", "", null}) {
                assertThat(slots(
                                keys.failuresByAddress(address),
                                keys.failuresByClient(client == null ? "" : client, address),
                                keys.failurePair(address, client)))
                        .as("keys of %s and client %s", address, client)
                        .hasSize(1);
            }
        }
    }

    @Test
    void differentAddressesSpreadOverTheCluster() {
        Set<Integer> slots = new HashSet<>();
        IntStream.range(0, 100).forEach(i -> slots.add(slot(keys.failuresByAddress("198.51.100." + i))));
        assertThat(slots).hasSizeGreaterThan(90);
    }
}
