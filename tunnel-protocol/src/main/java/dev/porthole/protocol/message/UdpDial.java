package dev.porthole.protocol.message;

import java.util.List;
import java.util.Locale;

/**
 * How an agent asks to send datagrams to a private UDP tunnel ({@code porthole connect NAME --udp}):
 * an OPEN on a stream it opens, naming the tunnel and carrying the request head of RFC 9298's
 * HTTP/1.1 form ({@code Upgrade: connect-udp}). The gateway answers with a 200 head when the agent may
 * dial the tunnel, or resets the stream with the reason. While the stream stays open, the agent's
 * DATAGRAM frames with odd flow ids for that tunnel reach the agent that publishes it, and the answers
 * come back with the same flow ids; closing the stream ends them. The stream itself carries no data.
 * A gateway that predates it resets such an OPEN ("a dial carries raw TCP"), so no capability is needed.
 */
public final class UdpDial {

    /** The upgrade token of RFC 9298. */
    public static final String UPGRADE = "connect-udp";

    private UdpDial() {}

    /** The request head of an OPEN that dials private UDP tunnel {@code tunnel}. */
    public static HttpRequestHead request(String tunnel) {
        return new HttpRequestHead(
                "GET",
                "/.well-known/masque/udp/" + tunnel + "/0/",
                List.of(new Header("Connection", "Upgrade"), new Header("Upgrade", UPGRADE)));
    }

    /** The gateway's answer to an accepted dial. */
    public static HttpResponseHead accepted() {
        return new HttpResponseHead(200, "OK", List.of());
    }

    /** Whether an OPEN dials a private UDP tunnel (rather than carrying raw TCP). */
    public static boolean isUdpDial(Open open) {
        HttpRequestHead request = open.request();
        if (request == null) {
            return false;
        }
        for (Header header : request.headers()) {
            if (header.name().equalsIgnoreCase("upgrade")
                    && header.value().trim().toLowerCase(Locale.ROOT).equals(UPGRADE)) {
                return true;
            }
        }
        return false;
    }
}
