package dev.porthole.notification.delivery;

import dev.porthole.notification.channel.Channel;
import dev.porthole.notification.message.Message;
import dev.porthole.notification.message.MessageRenderer;
import java.util.List;

/** What waits in a channel's lane: one event, or a flapping report standing for several. */
sealed interface Parcel {

    List<Delivery> deliveries();

    /** The message this parcel is when sent on its own. */
    Message message(MessageRenderer renderer, Channel channel);

    /** One event. */
    record Single(Delivery delivery) implements Parcel {
        @Override
        public List<Delivery> deliveries() {
            return List.of(delivery);
        }

        @Override
        public Message message(MessageRenderer renderer, Channel channel) {
            return renderer.event(delivery.envelope(), channel.template());
        }
    }

    /** Several events of one tunnel or agent within the flapping window, reported as one message. */
    record Flapping(List<Delivery> deliveries, Message report) implements Parcel {
        public Flapping {
            deliveries = List.copyOf(deliveries);
        }

        @Override
        public Message message(MessageRenderer renderer, Channel channel) {
            return report;
        }
    }
}
