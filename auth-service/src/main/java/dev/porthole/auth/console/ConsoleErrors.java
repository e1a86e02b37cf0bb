package dev.porthole.auth.console;

import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** Turns a {@link ConsoleRefusal} into a page that says why. */
public class ConsoleErrors {

    private final ConsolePages pages;

    public ConsoleErrors(ConsolePages pages) {
        this.pages = pages;
    }

    @ServerExceptionMapper
    public Response refused(ConsoleRefusal refusal) {
        return ConsolePages.html(refusal.status(), pages.refusal(refusal.getMessage()));
    }
}
