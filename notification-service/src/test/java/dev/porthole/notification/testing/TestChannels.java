package dev.porthole.notification.testing;

import dev.porthole.notification.channel.Channel;
import dev.porthole.notification.channel.ChannelFilter;
import dev.porthole.notification.channel.ChannelRepository;
import dev.porthole.notification.message.MessageFormat;
import dev.porthole.notification.message.MessageTemplate;
import dev.porthole.notification.provider.ProviderKind;
import dev.porthole.protocol.event.EventType;
import dev.porthole.protocol.event.Severity;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Creates channels for one test straight in the repository; {@link ChannelCleanup} removes them after
 * each test.
 */
@Singleton
public final class TestChannels {

    private final ChannelRepository repository;
    private final List<String> created = new ArrayList<>();

    public TestChannels(ChannelRepository repository) {
        this.repository = repository;
    }

    /** A channel with a template and a filter on the given types. */
    public Channel create(
            String id,
            ProviderKind provider,
            String url,
            Optional<String> secret,
            MessageFormat format,
            String template,
            EventType... types) {
        Channel channel = new Channel(
                id,
                provider,
                url,
                secret,
                new ChannelFilter(Set.of(types), Severity.INFO),
                Optional.ofNullable(template).map(MessageTemplate::new),
                format,
                Channel.Origin.API);
        repository.save(channel);
        created.add(id);
        return channel;
    }

    /** A channel without a secret that sends plain text with a template, filtered on the given types. */
    public Channel createText(String id, ProviderKind provider, String url, String template, EventType... types) {
        return create(id, provider, url, Optional.empty(), MessageFormat.TEXT, template, types);
    }

    /** Removes the channels created since the last call. */
    public void removeAll() {
        created.forEach(repository::delete);
        created.clear();
    }
}
