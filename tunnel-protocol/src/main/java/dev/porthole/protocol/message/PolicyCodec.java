package dev.porthole.protocol.message;

import dev.porthole.protocol.frame.ProtocolException;

/**
 * The layout of a tunnel request in a HELLO that offers {@link Capabilities#POLICY}: the request's
 * fields as before, then its policy: {@code list<basic-auth user>, list<str> allow, list<str> deny,
 * list<webhook>, list<header> request add, list<str> request remove, list<header> response add,
 * list<str> response remove, str rate}; a basic-auth user is {@code str user, str bcrypt hash}, a
 * webhook {@code str kind, str header, str secret}. With {@link Capabilities#OIDC} too, each policy is
 * followed by its login: {@code str issuer, str client id, str client secret, list<str> domains,
 * list<str> claims}.
 */
final class PolicyCodec {

    private PolicyCodec() {}

    static void writeTunnelRequest(PayloadWriter out, TunnelRequest request) {
        MessageCodec.writeTunnelRequest(out, request);
        TunnelPolicy p = request.policy();
        out.list(p.basicAuth(), (w, u) -> w.string(u.user()).string(u.passwordHash()))
                .list(p.allowCidrs(), PayloadWriter::string)
                .list(p.denyCidrs(), PayloadWriter::string)
                .list(
                        p.webhooks(),
                        (w, h) -> w.string(h.kind()).string(h.header()).string(h.secret()))
                .list(p.requestHeaderAdd(), MessageCodec::writeHeader)
                .list(p.requestHeaderRemove(), PayloadWriter::string)
                .list(p.responseHeaderAdd(), MessageCodec::writeHeader)
                .list(p.responseHeaderRemove(), PayloadWriter::string)
                .string(p.rateLimit());
    }

    static void writeWithOidc(PayloadWriter out, TunnelRequest request) {
        writeTunnelRequest(out, request);
        TunnelPolicy.Oidc o = request.policy().oidc();
        out.string(o.issuer())
                .string(o.clientId())
                .string(o.clientSecret())
                .list(o.allowDomains(), PayloadWriter::string)
                .list(o.allowClaims(), PayloadWriter::string);
    }

    static TunnelRequest readWithOidc(PayloadReader in) throws ProtocolException {
        TunnelRequest request = readTunnelRequest(in);
        TunnelPolicy.Oidc oidc = new TunnelPolicy.Oidc(
                in.string(), in.string(), in.string(), in.list(PayloadReader::string), in.list(PayloadReader::string));
        return request.withPolicy(request.policy().withOidc(oidc));
    }

    static TunnelRequest readTunnelRequest(PayloadReader in) throws ProtocolException {
        TunnelRequest request = MessageCodec.readTunnelRequest(in);
        TunnelPolicy policy = new TunnelPolicy(
                in.list(r -> new TunnelPolicy.BasicAuthUser(r.string(), r.string())),
                in.list(PayloadReader::string),
                in.list(PayloadReader::string),
                in.list(r -> new TunnelPolicy.Webhook(r.string(), r.string(), r.string())),
                in.list(MessageCodec::readHeader),
                in.list(PayloadReader::string),
                in.list(MessageCodec::readHeader),
                in.list(PayloadReader::string),
                in.string());
        return request.withPolicy(policy);
    }
}
