package dev.porthole.gateway.policy;

import dev.porthole.protocol.message.Header;
import dev.porthole.protocol.message.HopByHop;
import dev.porthole.protocol.message.TunnelPolicy;
import io.vertx.core.MultiMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The header rules: names removed and headers set, on the request before it crosses the tunnel and
 * on the response before it reaches the visitor. They may not touch what the gateway owns: the
 * hop-by-hop fields, the framing, {@code Host}, and the identity headers it sets itself
 * ({@code X-Forwarded-*}, {@code X-Real-IP}, {@code Forwarded}, {@code X-Porthole-*}), so a policy
 * can never forge who the visitor is nor break a message's framing.
 */
final class HeaderRules {

    private static final Set<String> OWNED = Set.of(
            "host",
            "content-length",
            "transfer-encoding",
            "connection",
            "keep-alive",
            "upgrade",
            "te",
            "trailer",
            "proxy-connection",
            "proxy-authenticate",
            "proxy-authorization",
            "forwarded",
            "x-real-ip");
    private static final HopByHop HOP = HopByHop.forConnectionHeaders(List.of());

    private final List<Header> requestAdd;
    private final Set<String> requestRemove;
    private final List<Header> responseAdd;
    private final Set<String> responseRemove;

    private HeaderRules(
            List<Header> requestAdd, Set<String> requestRemove, List<Header> responseAdd, Set<String> responseRemove) {
        this.requestAdd = requestAdd;
        this.requestRemove = requestRemove;
        this.responseAdd = responseAdd;
        this.responseRemove = responseRemove;
    }

    /** The rules, or null when there are none; each bad header is added to {@code problems}. */
    static HeaderRules of(TunnelPolicy policy, List<String> problems) {
        if (policy.requestHeaderAdd().isEmpty()
                && policy.requestHeaderRemove().isEmpty()
                && policy.responseHeaderAdd().isEmpty()
                && policy.responseHeaderRemove().isEmpty()) {
            return null;
        }
        return new HeaderRules(
                added("request-header-add", policy.requestHeaderAdd(), problems),
                removed("request-header-remove", policy.requestHeaderRemove(), problems),
                added("response-header-add", policy.responseHeaderAdd(), problems),
                removed("response-header-remove", policy.responseHeaderRemove(), problems));
    }

    /** Why a header name may not be used in a rule, or null. */
    static String nameProblem(String name) {
        if (name.isEmpty() || !name.chars().allMatch(HeaderRules::tokenChar)) {
            return "is not a header name";
        }
        String lower = name.toLowerCase(Locale.ROOT);
        if (OWNED.contains(lower)
                || HOP.isHopByHop(lower)
                || lower.startsWith("x-forwarded-")
                || lower.startsWith("x-porthole-")) {
            return "is set by the gateway (hop-by-hop, framing or visitor identity) and may not be changed by a policy";
        }
        return null;
    }

    /** The request's headers after the rules: removed names gone, added ones replacing any of the same name. */
    List<Header> request(List<Header> headers) {
        List<Header> out = new ArrayList<>(headers.size() + requestAdd.size());
        for (Header header : headers) {
            String lower = header.name().toLowerCase(Locale.ROOT);
            if (!requestRemove.contains(lower)
                    && requestAdd.stream().noneMatch(a -> a.name().equalsIgnoreCase(lower))) {
                out.add(header);
            }
        }
        out.addAll(requestAdd);
        return out;
    }

    /** Applies the response rules to the head about to go to the visitor. */
    void response(MultiMap headers) {
        responseRemove.forEach(headers::remove);
        responseAdd.forEach(h -> headers.set(h.name(), h.value()));
    }

    private static List<Header> added(String key, List<Header> headers, List<String> problems) {
        for (Header header : headers) {
            String problem = nameProblem(header.name());
            if (problem != null) {
                problems.add(key + " '" + header.name() + "' " + problem);
            } else if (header.value().chars().anyMatch(c -> (c < 0x20 && c != '\t') || c == 0x7f)) {
                problems.add(key + " '" + header.name() + "': the value has a control character");
            }
        }
        return List.copyOf(headers);
    }

    private static Set<String> removed(String key, List<String> names, List<String> problems) {
        for (String name : names) {
            String problem = nameProblem(name);
            if (problem != null) {
                problems.add(key + " '" + name + "' " + problem);
            }
        }
        return Set.copyOf(names.stream().map(n -> n.toLowerCase(Locale.ROOT)).toList());
    }

    private static boolean tokenChar(int c) {
        return c > 0x20 && c < 0x7f && "\"(),/:;<=>?@[\\]{}".indexOf(c) < 0;
    }
}
