package dev.porthole.auth.console;

import jakarta.enterprise.context.RequestScoped;

/** The session of the operator behind the current console request, set by {@link ConsoleGate} before any page runs. */
@RequestScoped
public class ConsoleOperator {

    private ConsoleSession session;

    void set(ConsoleSession session) {
        this.session = session;
    }

    /** The session; the gate lets no request without one reach a page. */
    public ConsoleSession session() {
        if (session == null) {
            throw new IllegalStateException("console page reached without a session: ConsoleGate must run first");
        }
        return session;
    }

    /** The operator's name, recorded as the actor of changes. */
    public String name() {
        return session().operator();
    }

    /**
     * The session, once {@code csrf} (the form's token) is checked: every state-changing console
     * action calls this first, so a form posted from another site changes nothing.
     */
    public ConsoleSession authorize(String csrf) {
        ConsoleSession current = session();
        if (!ConsoleSessions.csrfMatches(current, csrf)) {
            throw new ConsoleRefusal(
                    403,
                    "This form is stale or came from another site (its CSRF token does not match your session)."
                            + " Reload the page and try again.");
        }
        return current;
    }
}
