package dev.porthole.notification.provider;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Clock;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * How the chat robots' answers read: the HTTP status first (429 and 5xx say nothing about the
 * message), then, for DingTalk and WeCom, the JSON {@code errcode}, which decides even on HTTP 200.
 */
final class RobotVerdicts {

    /** errcode -1, "系统繁忙" (system busy), in DingTalk and WeCom alike: worth another try. */
    static final int BUSY = -1;

    private RobotVerdicts() {}

    /** 429: rate limited, after its Retry-After if it has one; 5xx: worth another try; empty for any other status. */
    static Optional<Verdict> byStatus(WebhookResponse response, Clock clock) {
        if (response.status() == 429) {
            return Optional.of(Verdict.rateLimited("HTTP 429", RetryAfter.parse(response.retryAfter(), clock)));
        }
        if (response.status() >= 500) {
            return Optional.of(Verdict.retry("HTTP " + response.status()));
        }
        return Optional.empty();
    }

    /**
     * A DingTalk or WeCom answer: delivered only for HTTP 200 with errcode 0; rate limited for one
     * of {@code rateLimited}; another try for {@link #BUSY}; otherwise rejected with what it said.
     */
    static Verdict byErrcode(ObjectMapper mapper, WebhookResponse response, Clock clock, Set<Integer> rateLimited) {
        Optional<Verdict> byStatus = byStatus(response, clock);
        if (byStatus.isPresent()) {
            return byStatus.get();
        }
        if (response.status() != 200) {
            return Verdict.rejected("HTTP " + response.status() + ": " + response.snippet());
        }
        JsonAnswer answer = JsonAnswer.parse(mapper, response.body());
        OptionalInt errcode = answer.integer("errcode");
        if (errcode.isEmpty()) {
            return Verdict.rejected("unexpected answer without errcode: " + response.snippet());
        }
        int code = errcode.getAsInt();
        String said = "errcode " + code + ": " + answer.text("errmsg");
        if (code == 0) {
            return Verdict.delivered();
        }
        if (rateLimited.contains(code)) {
            return Verdict.rateLimited(said, Optional.empty());
        }
        if (code == BUSY) {
            return Verdict.retry(said);
        }
        return Verdict.rejected(said);
    }
}
