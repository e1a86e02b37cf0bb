package dev.porthole.agent.tunnel;

import dev.porthole.protocol.message.Notice;
import java.time.Duration;
import org.jboss.logging.Logger;

/**
 * The listener of clients built in code (the dial and listener APIs), which speak through their
 * log: the gateway's notices at INFO, each retry at WARN; the handshake is theirs to handle.
 */
public abstract class LoggingTunnelListener implements TunnelListener {

    private final Logger log;

    protected LoggingTunnelListener(Logger log) {
        this.log = log;
    }

    @Override
    public void notice(Notice notice) {
        log.info(notice.text());
    }

    @Override
    public void retrying(String reason, Duration retryIn) {
        log.warnf("%s; retrying in %d ms", reason, retryIn.toMillis());
    }
}
