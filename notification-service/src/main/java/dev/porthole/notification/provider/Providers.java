package dev.porthole.notification.provider;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import java.util.EnumMap;
import java.util.Map;

/** The provider of each chat service. */
@ApplicationScoped
public class Providers {

    private final Map<ProviderKind, NotificationProvider> byKind = new EnumMap<>(ProviderKind.class);

    public Providers(Instance<NotificationProvider> providers) {
        for (NotificationProvider provider : providers) {
            byKind.put(provider.kind(), provider);
        }
        for (ProviderKind kind : ProviderKind.values()) {
            if (!byKind.containsKey(kind)) {
                throw new IllegalStateException("no NotificationProvider for " + kind);
            }
        }
    }

    public NotificationProvider of(ProviderKind kind) {
        return byKind.get(kind);
    }
}
