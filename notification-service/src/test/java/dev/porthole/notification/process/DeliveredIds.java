package dev.porthole.notification.process;

import dev.porthole.testing.WebhookReceiver;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads the event ids out of the Slack messages a receiver got (the channel template is "{id}"). */
final class DeliveredIds {

    private static final Pattern ID = Pattern.compile("\\\\n(it-[0-9a-z-]+)\"}$");

    private DeliveredIds() {}

    /** How many times each event id arrived, over the given requests. */
    static Map<String, Integer> count(List<WebhookReceiver.Received> requests) {
        Map<String, Integer> counts = new HashMap<>();
        for (WebhookReceiver.Received request : requests) {
            Matcher m = ID.matcher(request.bodyText());
            if (m.find()) {
                counts.merge(m.group(1), 1, Integer::sum);
            }
        }
        return counts;
    }
}
