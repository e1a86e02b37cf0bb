package dev.porthole.agent.upstream;

import java.time.Duration;

/** Hears about every request the agent forwarded, for the status line it prints (and later the inspector). */
public interface RequestLog {

    /** A request finished: the upstream's status, or 502/504 when the upstream failed. */
    void completed(String tunnel, String method, String uri, int status, Duration duration);
}
