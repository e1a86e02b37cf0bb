package dev.porthole.agent.config;

import java.util.ArrayList;
import java.util.List;

/**
 * The content of porthole.yml, checked.
 *
 * @param server the gateway URL from the file, or null (flags and environment variables win over it)
 * @param tunnels the tunnels in file order
 * @param ha the file's {@code ha} (two connections to two gateway instances), or null when it says nothing (flags and
 *     environment variables win over it)
 */
public record AgentConfig(String server, List<TunnelEntry> tunnels, Boolean ha) {

    public AgentConfig {
        tunnels = List.copyOf(tunnels);
    }

    public AgentConfig(String server, List<TunnelEntry> tunnels) {
        this(server, tunnels, null);
    }

    /**
     * The tunnels named (all of them when {@code labels} is empty), in file order.
     *
     * @throws IllegalArgumentException naming a label the file does not have
     */
    public List<TunnelEntry> select(List<String> labels) {
        if (labels == null || labels.isEmpty()) {
            return tunnels;
        }
        List<String> known = tunnels.stream().map(TunnelEntry::label).toList();
        for (String label : labels) {
            if (!known.contains(label)) {
                throw new IllegalArgumentException(
                        "no tunnel '" + label + "' in the configuration; it has: " + String.join(", ", known));
            }
        }
        List<TunnelEntry> chosen = new ArrayList<>();
        for (TunnelEntry entry : tunnels) {
            if (labels.contains(entry.label())) {
                chosen.add(entry);
            }
        }
        return chosen;
    }
}
