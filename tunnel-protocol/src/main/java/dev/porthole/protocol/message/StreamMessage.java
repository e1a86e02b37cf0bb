package dev.porthole.protocol.message;

/** A control message about one stream. */
public sealed interface StreamMessage extends ControlMessage permits Open, Response, Window, Fin, Rst, Trailers {}
