package dev.porthole.protocol.message;

import dev.porthole.protocol.frame.FrameType;
import java.util.Objects;

/**
 * Something the person running the agent should read, such as a session that will expire soon.
 *
 * @param level how loud to print it
 * @param code a stable machine-readable code, for example {@code session.expiring}
 * @param text the sentence to print
 */
public record Notice(Level level, String code, String text) implements ConnectionMessage {

    /** How loud to print a notice. */
    public enum Level {
        INFO,
        WARN,
        ERROR
    }

    public Notice {
        Objects.requireNonNull(level, "level");
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(text, "text");
    }

    @Override
    public FrameType type() {
        return FrameType.NOTICE;
    }
}
