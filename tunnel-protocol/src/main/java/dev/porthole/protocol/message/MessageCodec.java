package dev.porthole.protocol.message;

import dev.porthole.protocol.frame.Frame;
import dev.porthole.protocol.frame.FrameType;
import dev.porthole.protocol.frame.ProtocolError;
import dev.porthole.protocol.frame.ProtocolException;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * Turns control messages into frames and back. The payload layouts are pinned by golden-bytes
 * tests; strings are a u16 byte length and UTF-8, lists a u16 count and their elements, all
 * integers big-endian.
 */
public final class MessageCodec {

    private MessageCodec() {}

    /** Encodes a control message as a frame on its stream. */
    public static Frame encode(ControlMessage message) {
        PayloadWriter out = new PayloadWriter();
        switch (message) {
            case Hello h ->
                out.u16(h.minVersion())
                        .u16(h.maxVersion())
                        .string(h.agentVersion())
                        .string(h.agentId())
                        .list(h.capabilities(), PayloadWriter::string)
                        .u32(h.initialWindow())
                        .u32(h.maxFrameSize())
                        .list(
                                h.tunnels(),
                                h.carriesOidc()
                                        ? PolicyCodec::writeWithOidc
                                        : h.carriesPolicies()
                                                ? PolicyCodec::writeTunnelRequest
                                                : MessageCodec::writeTunnelRequest);
            case Welcome w -> {
                out.u16(w.version())
                        .string(w.sessionId())
                        .list(w.capabilities(), PayloadWriter::string)
                        .u32(w.initialWindow())
                        .u32(w.maxFrameSize())
                        .list(w.tunnels(), MessageCodec::writeTunnelResult);
                if (w.version() >= Welcome.GATEWAY_ID_SINCE) {
                    out.string(w.gatewayId());
                }
            }
            case Config c ->
                out.u32(c.heartbeatInterval().toMillis())
                        .u32(c.heartbeatTimeout().toMillis())
                        .u32(c.maxStreams())
                        .i64(c.sessionExpiresAt());
            case Notice n -> out.u8(n.level().ordinal()).string(n.code()).string(n.text());
            case GoAway g -> out.u16(g.code()).string(g.reason());
            case Ping p -> out.i64(p.timestamp());
            case Pong p -> out.i64(p.timestamp());
            case Open o -> {
                out.string(o.tunnel()).string(o.source()).bool(o.request() != null);
                if (o.request() != null) {
                    out.string(o.request().method())
                            .string(o.request().uri())
                            .list(o.request().headers(), MessageCodec::writeHeader);
                }
            }
            case Response r ->
                out.u16(r.head().status())
                        .string(r.head().reason())
                        .list(r.head().headers(), MessageCodec::writeHeader);
            case Window w -> out.u32(w.increment());
            case Fin f -> {}
            case Rst r -> out.u16(r.code().code()).string(r.message());
            case Trailers t -> out.list(t.fields(), MessageCodec::writeHeader);
        }
        int flags = switch (message) {
            case Open o when o.fin() -> Frame.FLAG_FIN;
            case Response r when r.fin() -> Frame.FLAG_FIN;
            default -> 0;
        };
        return new Frame(message.type(), flags, message.streamId(), out.buffer());
    }

    /** Version 2 added the gateway instance at the end; the version, the first field, says whether it is there. */
    private static Welcome readWelcome(PayloadReader in) throws ProtocolException {
        int version = in.u16();
        String sessionId = in.string();
        LinkedHashSet<String> capabilities = new LinkedHashSet<>(in.list(PayloadReader::string));
        int initialWindow = in.positiveInt();
        int maxFrameSize = in.positiveInt();
        List<TunnelResult> tunnels = in.list(MessageCodec::readTunnelResult);
        String gatewayId = version >= Welcome.GATEWAY_ID_SINCE ? in.string() : "";
        return new Welcome(version, sessionId, capabilities, initialWindow, maxFrameSize, tunnels, gatewayId);
    }

    /** With {@link Capabilities#POLICY} among the capabilities, each tunnel request is followed by its policy. */
    private static Hello readHello(PayloadReader in) throws ProtocolException {
        int min = in.u16();
        int max = in.u16();
        String agentVersion = in.string();
        String agentId = in.string();
        LinkedHashSet<String> capabilities = new LinkedHashSet<>(in.list(PayloadReader::string));
        int initialWindow = in.positiveInt();
        int maxFrameSize = in.positiveInt();
        boolean policies = capabilities.contains(Capabilities.POLICY);
        List<TunnelRequest> tunnels = in.list(
                policies && capabilities.contains(Capabilities.OIDC)
                        ? PolicyCodec::readWithOidc
                        : policies ? PolicyCodec::readTunnelRequest : MessageCodec::readTunnelRequest);
        return new Hello(min, max, agentVersion, agentId, capabilities, initialWindow, maxFrameSize, tunnels);
    }

    /** Decodes the control message in a frame; DATA frames are not control messages. */
    public static ControlMessage decode(Frame frame) throws ProtocolException {
        FrameType type = frame.type();
        PayloadReader in = new PayloadReader(frame.payload(), type.name());
        int stream = frame.streamId();
        ControlMessage message = switch (type) {
            case HELLO -> readHello(in);
            case WELCOME -> readWelcome(in);
            case CONFIG ->
                new Config(Duration.ofMillis(in.u32()), Duration.ofMillis(in.u32()), in.positiveInt(), in.i64());
            case NOTICE -> new Notice(readLevel(in), in.string(), in.string());
            case GOAWAY -> new GoAway(in.u16(), in.string());
            case PING -> new Ping(in.i64());
            case PONG -> new Pong(in.i64());
            case OPEN ->
                new Open(stream, in.string(), in.string(), in.bool() ? readRequestHead(in) : null, frame.fin());
            case RESPONSE -> new Response(stream, readResponseHead(in, stream), frame.fin());
            case WINDOW -> new Window(stream, in.positiveInt());
            case FIN -> new Fin(stream);
            case RST -> new Rst(stream, ResetCode.fromCode(in.u16(), in), in.string());
            case TRAILERS -> readTrailers(in, stream);
            case DATA -> throw new ProtocolException(ProtocolError.UNEXPECTED_FRAME, "DATA is not a control message");
            case DATAGRAM ->
                throw new ProtocolException(ProtocolError.UNEXPECTED_FRAME, "DATAGRAM is not a control message");
        };
        in.end();
        return message;
    }

    static void writeTunnelRequest(PayloadWriter out, TunnelRequest t) {
        out.u8(t.kind().code())
                .string(t.name())
                .u16(t.port())
                .bool(t.privateTunnel())
                .string(t.upstream());
    }

    static TunnelRequest readTunnelRequest(PayloadReader in) throws ProtocolException {
        return new TunnelRequest(TunnelKind.fromCode(in.u8(), in), in.string(), in.u16(), in.bool(), in.string());
    }

    private static void writeTunnelResult(PayloadWriter out, TunnelResult t) {
        out.u8(t.kind().code())
                .string(t.name())
                .u16(t.port())
                .string(t.publicAddress())
                .u16(t.status())
                .string(t.message());
    }

    private static TunnelResult readTunnelResult(PayloadReader in) throws ProtocolException {
        return new TunnelResult(
                TunnelKind.fromCode(in.u8(), in), in.string(), in.u16(), in.string(), in.u16(), in.string());
    }

    static void writeHeader(PayloadWriter out, Header h) {
        out.string(h.name()).string(h.value());
    }

    static Header readHeader(PayloadReader in) throws ProtocolException {
        return new Header(in.string(), in.string());
    }

    private static HttpRequestHead readRequestHead(PayloadReader in) throws ProtocolException {
        return new HttpRequestHead(in.string(), in.string(), in.list(MessageCodec::readHeader));
    }

    /** A head that decodes but breaks RFC 9110 fails its stream only ({@link ProtocolError#MALFORMED_HEAD}). */
    private static HttpResponseHead readResponseHead(PayloadReader in, int stream) throws ProtocolException {
        int status = in.u16();
        if (status < 100 || status > 999) {
            throw in.bad("HTTP status " + status + " is out of range");
        }
        HttpResponseHead head = new HttpResponseHead(status, in.string(), in.list(MessageCodec::readHeader));
        in.end();
        String problem = HttpFieldRules.problem(head);
        if (problem != null) {
            throw new ProtocolException(
                    ProtocolError.MALFORMED_HEAD,
                    stream,
                    "RESPONSE on stream " + Integer.toUnsignedLong(stream) + ": " + problem);
        }
        return head;
    }

    /** Trailer fields that break the rules fail their stream only, as a bad response head does. */
    private static Trailers readTrailers(PayloadReader in, int stream) throws ProtocolException {
        Trailers trailers = new Trailers(stream, in.list(MessageCodec::readHeader));
        in.end();
        String problem = HttpFieldRules.trailerProblem(trailers.fields());
        if (problem != null) {
            throw new ProtocolException(
                    ProtocolError.MALFORMED_HEAD,
                    stream,
                    "TRAILERS on stream " + Integer.toUnsignedLong(stream) + ": " + problem);
        }
        return trailers;
    }

    private static Notice.Level readLevel(PayloadReader in) throws ProtocolException {
        int ordinal = in.u8();
        List<Notice.Level> levels = List.of(Notice.Level.values());
        if (ordinal >= levels.size()) {
            throw in.bad("unknown notice level " + ordinal);
        }
        return levels.get(ordinal);
    }
}
