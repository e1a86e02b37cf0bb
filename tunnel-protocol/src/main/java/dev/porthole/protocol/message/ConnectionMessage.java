package dev.porthole.protocol.message;

/** A control message about the whole connection; it travels on stream 0. */
public sealed interface ConnectionMessage extends ControlMessage
        permits Hello, Welcome, Config, Notice, GoAway, Ping, Pong {

    @Override
    default int streamId() {
        return 0;
    }
}
