package dev.porthole.gateway.registry;

import static dev.porthole.testing.ClusterSlots.slot;
import static dev.porthole.testing.ClusterSlots.slots;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Keeps the registry cluster-safe (issue 22): the keys one registry script touches (a name's or
 * port's route, reservation and tombstone) hash to one Redis Cluster slot, computed with the CRC16
 * the cluster uses, while different names spread over the slots. {@code RedisClusterRegistryTest}
 * runs the scripts themselves on a real cluster.
 */
class ScriptKeySlotsTest {

    private final RedisKeys keys = () -> "porthole:";

    @Test
    void aNamesRouteReservationAndTombstoneShareASlotForEveryKind() {
        for (String name : List.of("api", "a", "brave-otter-42", "x-1234567890", "db")) {
            for (TunnelKey key : List.of(TunnelKey.http(name), TunnelKey.privateTunnel(name), TunnelKey.tls(name))) {
                assertThat(slots(keys.route(key), keys.reservation(key.reservationId()), keys.tombstone(key.id())))
                        .as("the keys of the claim script for %s", key)
                        .hasSize(1);
            }
        }
    }

    @Test
    void aPortsRouteAndReservationShareASlot() {
        for (int port : List.of(1, 2222, 20_001, 65_535)) {
            TunnelKey key = TunnelKey.tcpPort(port);
            assertThat(slot(keys.route(key)))
                    .as("route and reservation of port %d", port)
                    .isEqualTo(slot(keys.reservation(key.reservationId())));
        }
    }

    @Test
    void differentNamesSpreadOverTheCluster() {
        Set<Integer> slots = new HashSet<>();
        IntStream.range(0, 100).forEach(i -> slots.add(slot(keys.httpRoute("name-" + i))));
        assertThat(slots).as("slots of 100 names' routes").hasSizeGreaterThan(90);
    }

    @Test
    void aPrefixWithoutBracesLeavesTheTagToTheName() {
        RedisKeys other = () -> "tenant-7:";
        assertThat(slot(other.httpRoute("api")))
                .isEqualTo(slot(keys.httpRoute("api")))
                .isEqualTo(slot("api"));
    }
}
