package dev.porthole.gateway.policy;

import io.netty.handler.ipfilter.IpFilterRuleType;
import io.netty.handler.ipfilter.IpSubnetFilterRule;
import io.netty.util.NetUtil;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * The IP rule: a visitor inside a deny range is refused; with allow ranges, a visitor outside all
 * of them is refused too. Ranges are IPv4 or IPv6 CIDRs, matched by Netty's {@link IpSubnetFilterRule};
 * an address is only ever an IP literal (a host name is refused, never resolved).
 */
final class CidrRules {

    private final List<IpSubnetFilterRule> allow;
    private final List<IpSubnetFilterRule> deny;

    private CidrRules(List<IpSubnetFilterRule> allow, List<IpSubnetFilterRule> deny) {
        this.allow = allow;
        this.deny = deny;
    }

    /** The rule, or null when neither list has a range; each bad range is added to {@code problems}. */
    static CidrRules of(List<String> allow, List<String> deny, List<String> problems) {
        if (allow.isEmpty() && deny.isEmpty()) {
            return null;
        }
        return new CidrRules(
                ranges("allow-cidr", allow, IpFilterRuleType.ACCEPT, problems),
                ranges("deny-cidr", deny, IpFilterRuleType.REJECT, problems));
    }

    /** Whether the visitor at {@code address} may pass. */
    boolean admits(InetAddress address) {
        InetSocketAddress visitor = new InetSocketAddress(address, 0);
        for (IpSubnetFilterRule range : deny) {
            if (range.matches(visitor)) {
                return false;
            }
        }
        if (allow.isEmpty()) {
            return true;
        }
        for (IpSubnetFilterRule range : allow) {
            if (range.matches(visitor)) {
                return true;
            }
        }
        return false;
    }

    private static List<IpSubnetFilterRule> ranges(
            String key, List<String> texts, IpFilterRuleType type, List<String> problems) {
        List<IpSubnetFilterRule> ranges = new ArrayList<>();
        for (String text : texts) {
            IpSubnetFilterRule range = parse(text, type);
            if (range == null) {
                problems.add(key + " '" + text + "' is not a CIDR range such as 203.0.113.0/24 or 2001:db8::/32");
            } else {
                ranges.add(range);
            }
        }
        return ranges;
    }

    /** {@code address/prefix}, or a bare address (a range of one); null when malformed. */
    static IpSubnetFilterRule parse(String text, IpFilterRuleType type) {
        String trimmed = text.trim();
        int slash = trimmed.indexOf('/');
        String host = slash < 0 ? trimmed : trimmed.substring(0, slash);
        byte[] bytes = NetUtil.createByteArrayFromIpAddressString(host);
        if (bytes == null) {
            return null;
        }
        int bits = bytes.length * 8;
        int prefix = bits;
        if (slash >= 0) {
            String digits = trimmed.substring(slash + 1);
            if (digits.isEmpty() || digits.length() > 3 || !digits.chars().allMatch(Character::isDigit)) {
                return null;
            }
            prefix = Integer.parseInt(digits);
            if (prefix > bits) {
                return null;
            }
        }
        try {
            return new IpSubnetFilterRule(InetAddress.getByAddress(bytes), prefix, type);
        } catch (UnknownHostException | IllegalArgumentException e) {
            return null;
        }
    }
}
