package dev.porthole.auth.console;

import io.quarkus.websockets.next.HttpUpgradeCheck;
import io.quarkus.websockets.next.UserData;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.HttpServerRequest;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Lets only the console's own pages of a logged-in operator open a live WebSocket: the upgrade
 * needs the console's session cookie (a valid admin JWT, not logged out: else 401) and an
 * {@code Origin} of this very console (else 403). A browser sends cookies with any site's
 * WebSocket, so without the Origin check another site could read the console through the
 * operator's browser.
 */
@ApplicationScoped
public class LiveUpgradeCheck implements HttpUpgradeCheck {

    /** The session cookie the connection was opened with, checked again on every update. */
    static final UserData.TypedKey<String> COOKIE = UserData.TypedKey.forString("porthole.console.cookie");

    private final ConsoleSessions sessions;

    public LiveUpgradeCheck(ConsoleSessions sessions) {
        this.sessions = sessions;
    }

    @Override
    public Uni<CheckResult> perform(HttpUpgradeContext context) {
        HttpServerRequest request = context.httpRequest();
        String origin = request.getHeader("Origin");
        if (origin == null || ConsoleGate.crossSite(origin, request)) {
            return CheckResult.rejectUpgrade(403);
        }
        Cookie cookie = request.getCookie(ConsoleSessions.COOKIE);
        String value = cookie == null ? null : cookie.getValue();
        return sessions.read(value).map(session -> {
            if (session.isEmpty()) {
                return CheckResult.rejectUpgradeSync(401);
            }
            context.userData().put(COOKIE, value);
            return CheckResult.permitUpgradeSync();
        });
    }
}
