package dev.porthole.notification.testing;

import io.quarkus.arc.Arc;
import io.quarkus.test.junit.callback.QuarkusTestAfterEachCallback;
import io.quarkus.test.junit.callback.QuarkusTestMethodContext;

/**
 * Removes the channels a test created through {@link TestChannels} after each {@code @QuarkusTest}
 * method, so that no test class repeats the tear-down (registered in {@code META-INF/services}).
 */
public class ChannelCleanup implements QuarkusTestAfterEachCallback {

    @Override
    public void afterEach(QuarkusTestMethodContext context) {
        var channels = Arc.container().instance(TestChannels.class);
        if (channels.isAvailable()) {
            channels.get().removeAll();
        }
    }
}
