package dev.porthole.gateway.support;

import dev.porthole.protocol.message.Header;
import dev.porthole.protocol.message.TunnelPolicy;
import dev.porthole.protocol.message.TunnelPolicy.BasicAuthUser;
import dev.porthole.protocol.message.TunnelPolicy.Webhook;
import io.quarkus.elytron.security.common.BcryptUtil;
import java.util.List;

/** Tunnel policies for the gateway tests, each with one kind of rule and nothing else. */
public final class Policies {

    private Policies() {}

    /** Basic auth for one user, the password hashed with bcrypt at cost 4 (the lowest, for speed). */
    public static TunnelPolicy basicAuth(String user, String password) {
        List<BasicAuthUser> users = List.of(new BasicAuthUser(user, BcryptUtil.bcryptHash(password, 4)));
        return new TunnelPolicy(users, List.of(), List.of(), List.of(), List.of(), List.of(), List.of(), List.of(), "");
    }

    /** Only visitors inside {@code cidr} are served. */
    public static TunnelPolicy allowOnly(String cidr) {
        List<String> allow = List.of(cidr);
        return new TunnelPolicy(List.of(), allow, List.of(), List.of(), List.of(), List.of(), List.of(), List.of(), "");
    }

    /** Requests must carry a valid signature of the webhook kind {@code kind} under {@code secret}. */
    public static TunnelPolicy webhook(String kind, String secret) {
        List<Webhook> webhooks = List.of(new Webhook(kind, "", secret));
        return new TunnelPolicy(
                List.of(), List.of(), List.of(), webhooks, List.of(), List.of(), List.of(), List.of(), "");
    }

    /** Headers added to and removed from the request ({@code addIn}, {@code removeIn}) and the response. */
    public static TunnelPolicy headers(
            List<Header> addIn, List<String> removeIn, List<Header> addOut, List<String> removeOut) {
        return new TunnelPolicy(List.of(), List.of(), List.of(), List.of(), addIn, removeIn, addOut, removeOut, "");
    }
}
