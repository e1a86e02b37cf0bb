package dev.porthole.protocol.frame;

/**
 * What rule a peer broke; each kind closes the connection with {@link dev.porthole.protocol.CloseCode#PROTOCOL_ERROR},
 * except {@link #MALFORMED_HEAD}, which fails only its stream.
 */
public enum ProtocolError {
    /** Fewer bytes than the fixed header, or a payload that ends in the middle of a field. */
    TRUNCATED,
    /** A frame larger than the negotiated maximum. */
    FRAME_TOO_LARGE,
    /** A frame type code this version does not know. */
    UNKNOWN_FRAME_TYPE,
    /** Flag bits that this version does not define for the frame type. */
    UNKNOWN_FLAGS,
    /** A connection frame on a stream, a stream frame on stream 0, or a stream id of the wrong side. */
    BAD_STREAM_ID,
    /** A field whose value is out of range (an empty window, an unknown enum code, an oversized list). */
    BAD_FIELD,
    /** Bytes after the last field of a control payload. */
    TRAILING_BYTES,
    /** DATA beyond the credit that the receiver granted. */
    FLOW_CONTROL,
    /** A frame that is well formed but not allowed in the connection's current state. */
    UNEXPECTED_FRAME,
    /** More open streams than the receiver allows. */
    TOO_MANY_STREAMS,
    /**
     * A well-formed RESPONSE whose HTTP head breaks RFC 9110 (CR, LF or NUL in the reason or a header,
     * a header name that is no token): the receiver resets that stream, the connection goes on.
     */
    MALFORMED_HEAD,
    /** Frames that do no work faster than the receiver allows, or more answers owed than it queues for a peer that does not read them. */
    FLOOD
}
