package dev.porthole.auth.testing;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.Map;

/** Three failures per address, two per client id, in a two-second window. */
public class ShortLockoutWindow implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of(
                "porthole.auth.failures.per-address",
                "3",
                "porthole.auth.failures.per-client",
                "2",
                "porthole.auth.failures.window",
                "2s");
    }
}
