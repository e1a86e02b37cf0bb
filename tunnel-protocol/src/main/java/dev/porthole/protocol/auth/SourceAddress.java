package dev.porthole.protocol.auth;

import io.netty.util.NetUtil;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Optional;

/**
 * The address authentication failures are counted against: an IPv4 address, or the /64 prefix of
 * an IPv6 address (one host, or one customer's network, holds a whole /64). A port is never part
 * of it: each new connection has a new port, and a counter per port would never reach its limit.
 */
public final class SourceAddress {

    /** Bytes of an IPv6 address that name its /64 network. */
    private static final int PREFIX_BYTES = 8;

    private static final String PREFIX_SUFFIX = "/64";

    private SourceAddress() {}

    /**
     * The counting key of an IP literal, with or without a port ({@code 192.0.2.1}, {@code 192.0.2.1:443},
     * {@code 2001:db8::1}, {@code [2001:db8::1]:443}); IPv4-mapped IPv6 counts as its IPv4 address.
     * Empty when the text is no IP literal (a host name is never resolved). A key this method made is its own key.
     */
    public static Optional<String> of(String text) {
        if (text == null) {
            return Optional.empty();
        }
        String trimmed = text.trim();
        // A key made here counts as itself.
        String host = trimmed.endsWith(PREFIX_SUFFIX)
                ? trimmed.substring(0, trimmed.length() - PREFIX_SUFFIX.length())
                : withoutPort(trimmed);
        byte[] bytes = NetUtil.createByteArrayFromIpAddressString(host);
        if (bytes == null) {
            return Optional.empty();
        }
        try {
            // An IPv4-mapped IPv6 address comes back as IPv4 here.
            InetAddress address = InetAddress.getByAddress(bytes);
            if (address instanceof Inet6Address) {
                Arrays.fill(bytes, PREFIX_BYTES, bytes.length, (byte) 0);
                return Optional.of(NetUtil.toAddressString(InetAddress.getByAddress(bytes)) + PREFIX_SUFFIX);
            }
            return Optional.of(address.getHostAddress());
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
    }

    /** {@code [v6]:port} and {@code v4:port} lose the port; a bare IPv6 address (several colons) stays as it is. */
    private static String withoutPort(String text) {
        if (text.startsWith("[")) {
            int close = text.indexOf(']');
            return close > 0 ? text.substring(1, close) : text;
        }
        int colon = text.indexOf(':');
        return colon > 0 && colon == text.lastIndexOf(':') ? text.substring(0, colon) : text;
    }
}
