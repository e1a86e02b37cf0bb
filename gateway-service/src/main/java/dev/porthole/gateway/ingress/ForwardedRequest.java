package dev.porthole.gateway.ingress;

import dev.porthole.gateway.config.GatewayConfig;
import dev.porthole.gateway.control.PublicAddresses;
import dev.porthole.protocol.message.Header;
import dev.porthole.protocol.message.HopByHop;
import dev.porthole.protocol.message.HttpRequestHead;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Builds the request head the agent receives: the visitor's headers minus hop-by-hop ones and minus
 * every {@code X-Porthole-*} (the gateway's own; a visitor cannot forge them), with
 * X-Forwarded-For/-Proto/-Host (and -Prefix for path routing) set by the gateway. Host and
 * X-Forwarded-Host carry the canonical host: the served name in lower case and, with
 * {@code http.public-port} set, the public port instead of whatever port the visitor named.
 *
 * <p>A {@code Transfer-Encoding: chunked} header stays in the head as the signal that the body's
 * length is unknown; the agent re-chunks it towards the upstream.
 */
@Singleton
public class ForwardedRequest {

    private final boolean trustForwarded;
    private final String publicScheme;

    private final PublicAddresses addresses;

    public ForwardedRequest(GatewayConfig config, PublicAddresses addresses) {
        this.trustForwarded = config.http().trustForwardedHeaders();
        this.publicScheme = addresses.scheme();
        this.addresses = addresses;
    }

    public HttpRequestHead head(HttpServerRequest request, String uri, String prefix, boolean upgrade) {
        return head(request, uri, prefix, upgrade, false);
    }

    /**
     * @param fromPeer the request was forwarded by another gateway instance with the internal
     *     credential: its X-Forwarded-For/-Proto/-Host describe the visitor and are kept as they are
     */
    /**
     * HTTP/1.1: a request has a body only if it says so with Content-Length or Transfer-Encoding.
     * HTTP/2: by its declared length, else by {@link #h2BodyOfUnknownLength}.
     */
    static boolean hasBody(HttpServerRequest request) {
        String length = request.getHeader(HttpHeaders.CONTENT_LENGTH);
        if (request.version() == HttpVersion.HTTP_2) {
            return length == null
                    ? h2BodyOfUnknownLength(request)
                    : !length.trim().equals("0");
        }
        return request.headers().contains(HttpHeaders.TRANSFER_ENCODING)
                || (length != null && !length.trim().equals("0"));
    }

    /**
     * An HTTP/2 request whose body has no declared length. Vert.x runs the request handler before it
     * reads the END_STREAM of the HEADERS frame, so a GET cannot be told from a streamed upload by
     * the end: a GET, HEAD, OPTIONS or DELETE without Content-Length is taken as bodyless (any DATA
     * it sends is not forwarded); other methods stream their body.
     */
    static boolean h2BodyOfUnknownLength(HttpServerRequest request) {
        HttpMethod method = request.method();
        return !request.headers().contains(HttpHeaders.CONTENT_LENGTH)
                && !request.isEnded()
                && method != HttpMethod.GET
                && method != HttpMethod.HEAD
                && method != HttpMethod.OPTIONS
                && method != HttpMethod.DELETE;
    }

    public HttpRequestHead head(
            HttpServerRequest request, String uri, String prefix, boolean upgrade, boolean fromPeer) {
        boolean trust = trustForwarded || fromPeer;
        boolean h2 = request.version() == HttpVersion.HTTP_2;
        MultiMap in = request.headers();
        // The Host as the gateway serves it (lower case, the public port if configured): routing checked the name, not
        // its case or port.
        String canonical = request.authority() == null
                ? null
                : addresses.authority(
                        request.authority().host().toLowerCase(Locale.ROOT),
                        request.authority().port());
        HopByHop hop = HopByHop.forConnectionHeaders(in.getAll(HttpHeaders.CONNECTION));
        List<Header> headers = new ArrayList<>(in.size() + 4);
        String forwardedFor = null;
        String forwardedProto = null;
        String forwardedHost = null;
        boolean hostSeen = false;
        boolean teTrailers = false;
        List<String> cookies = new ArrayList<>(0);
        for (Map.Entry<String, String> header : in) {
            String name = header.getKey();
            String lower = name.toLowerCase(Locale.ROOT);
            if (h2 && lower.equals("cookie")) {
                // RFC 9113 8.2.3: HTTP/2 may split cookies over several fields; an HTTP/1.1 upstream wants one.
                cookies.add(header.getValue());
                continue;
            }
            if (lower.startsWith("x-forwarded-")) {
                if (trust && lower.equals("x-forwarded-for")) {
                    forwardedFor = header.getValue();
                } else if (trust && lower.equals("x-forwarded-proto")) {
                    forwardedProto = header.getValue();
                } else if (fromPeer && lower.equals("x-forwarded-host")) {
                    forwardedHost = header.getValue();
                }
                continue;
            }
            // X-Porthole-* is the gateway's to set (the policy's X-Porthole-User and X-Porthole-Policy, the cluster's
            // credential): a visitor's own would pass for an identity the gateway vouches for.
            if (lower.equals("expect") || lower.startsWith("x-porthole-")) {
                continue;
            }
            if (lower.equals("te")) {
                // TE is hop-by-hop, but "trailers" says the client takes trailer fields, which gRPC servers look for.
                if (ResponseFraming.tokens(List.of(header.getValue())).contains("trailers")) {
                    teTrailers = true;
                }
                continue;
            }
            if (lower.equals("transfer-encoding")) {
                if (header.getValue().toLowerCase(Locale.ROOT).contains("chunked")) {
                    headers.add(new Header("Transfer-Encoding", "chunked"));
                }
                continue;
            }
            if (hop.isHopByHop(name) && !(upgrade && (lower.equals("upgrade") || lower.equals("connection")))) {
                continue;
            }
            if (lower.equals("host") && canonical != null) {
                hostSeen = true;
                headers.add(new Header(name, canonical));
                continue;
            }
            headers.add(new Header(name, header.getValue()));
        }
        if (h2 && h2BodyOfUnknownLength(request)) {
            // An h2 body of unknown length (gRPC streams): HTTP/1.1 carries it chunked.
            headers.add(new Header("Transfer-Encoding", "chunked"));
        }
        if (teTrailers) {
            headers.add(new Header("TE", "trailers"));
        }
        if (!cookies.isEmpty()) {
            headers.add(new Header("Cookie", String.join("; ", cookies)));
        }
        if (!hostSeen && canonical != null) {
            // HTTP/2 names the host in :authority, which Vert.x keeps out of the headers; the upstream wants a Host.
            headers.add(0, new Header("Host", canonical));
        }
        String client = request.remoteAddress() == null
                ? "unknown"
                : request.remoteAddress().hostAddress();
        // A forwarding gateway already appended the visitor; this connection's address is that gateway's.
        headers.add(new Header(
                "X-Forwarded-For",
                forwardedFor == null ? client : fromPeer ? forwardedFor : forwardedFor + ", " + client));
        headers.add(new Header("X-Forwarded-Proto", forwardedProto == null ? publicScheme : forwardedProto));
        String host = forwardedHost != null ? forwardedHost : canonical;
        if (host != null) {
            headers.add(new Header("X-Forwarded-Host", host));
        }
        if (!prefix.isEmpty()) {
            headers.add(new Header("X-Forwarded-Prefix", prefix));
        }
        return new HttpRequestHead(request.method().name(), uri, headers);
    }
}
