package dev.porthole.agent.inspect;

import dev.porthole.agent.upstream.UpstreamAddress;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * How the inspector runs.
 *
 * @param enabled       whether to start it at all
 * @param address       where it listens; loopback unless asked otherwise
 * @param bodyCap       bytes kept of each request and response body
 * @param maxRequests   how many exchanges it keeps
 * @param maxBytes      the memory budget for kept exchanges, heads and bodies together
 * @param replayTimeout how long a replay may wait for the upstream
 */
public record InspectorSettings(
        boolean enabled,
        UpstreamAddress address,
        long bodyCap,
        int maxRequests,
        long maxBytes,
        Duration replayTimeout) {

    public static final String DEFAULT_ADDRESS = "127.0.0.1:4040";

    /**
     * Checks every value and reports all mistakes at once, naming the option.
     *
     * @throws IllegalArgumentException with one line per mistake
     */
    public InspectorSettings {
        List<String> errors = new ArrayList<>();
        if (bodyCap < 0 || bodyCap > 16L * 1024 * 1024) {
            errors.add("--inspect-body-cap must be between 0 and 16M, was " + bodyCap);
        }
        if (maxRequests < 1 || maxRequests > 100_000) {
            errors.add("--inspect-max-requests must be between 1 and 100000, was " + maxRequests);
        }
        if (maxBytes < 2 * bodyCap + 64 * 1024) {
            errors.add("--inspect-max-memory (" + maxBytes
                    + " bytes) must hold at least one request and response at the body cap: "
                    + "at least 2 x --inspect-body-cap + 64K");
        }
        if (!errors.isEmpty()) {
            throw new IllegalArgumentException(String.join("\n", errors));
        }
    }

    /** Whether the address is a loopback one, so only this machine can reach the inspector. */
    public boolean loopback() {
        try {
            return InetAddress.getByName(address.host()).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    /** The URL people open. */
    public String url() {
        return "http://" + address;
    }
}
