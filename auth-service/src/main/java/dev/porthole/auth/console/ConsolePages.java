package dev.porthole.auth.console;

import io.quarkus.qute.Engine;
import io.quarkus.qute.HtmlEscaper;
import io.quarkus.qute.ReflectionValueResolver;
import io.quarkus.qute.Template;
import io.quarkus.qute.TemplateInstance;
import io.quarkus.qute.TemplateLocator.TemplateLocation;
import io.quarkus.qute.UserTagSectionHelper;
import io.quarkus.qute.ValueResolver;
import io.quarkus.qute.Variant;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Renders the console's HTML with the Qute templates in {@code console/} on the classpath; every
 * value is HTML-escaped, and a template that names a value the page did not give fails loudly
 * (strict rendering) instead of showing an empty cell.
 */
@ApplicationScoped
public class ConsolePages {

    /** Longest id a table shows whole. */
    static final int SHORT_ID = 14;

    private static final Variant HTML = new Variant(Locale.ROOT, StandardCharsets.UTF_8, "text/html");

    private final Engine engine = Engine.builder()
            .addDefaults()
            .addValueResolver(new ReflectionValueResolver())
            .addValueResolver(ValueResolver.builder()
                    .applyToBaseClass(String.class)
                    .applyToName("short")
                    .resolveSync(context -> shorten((String) context.getBase()))
                    .build())
            // {#shortid value /}: a long id shortened, the whole value on hover and behind a copy button (console.js)
            .addSectionHelper(new UserTagSectionHelper.Factory("shortid", "console/tags/shortid"))
            .addResultMapper(new HtmlEscaper(List.of("text/html")))
            .removeStandaloneLines(true)
            .strictRendering(true)
            .addLocator(ConsolePages::locate)
            .build();

    /** An HTML answer with this status. */
    public static Response html(int status, String body) {
        return Response.status(status)
                .type(MediaType.TEXT_HTML_TYPE.withCharset("utf-8"))
                .entity(body)
                .build();
    }

    /**
     * A page of a logged-in operator: the layout's navigation marks {@code section}, and every form
     * gets the session's CSRF token as {@code csrf}.
     */
    public String page(String name, String section, ConsoleSession session, Map<String, Object> data) {
        TemplateInstance page = template(name)
                .data("section", section)
                .data("csrf", session.csrfToken())
                .data("operator", session.operator());
        data.forEach(page::data);
        return page.render();
    }

    /** A fragment (htmx refresh) of a logged-in operator's page. */
    public String fragment(String name, ConsoleSession session, Map<String, Object> data) {
        TemplateInstance fragment = template(name).data("csrf", session.csrfToken());
        data.forEach(fragment::data);
        return fragment.render();
    }

    /** A page that asks to confirm a destructive action: a form that posts it, and a way back. */
    public String confirm(String section, ConsoleSession session, Confirmation confirmation) {
        return page("confirm", section, session, Map.of("confirm", confirmation));
    }

    /**
     * What a confirmation page says and does.
     *
     * @param heading the question, e.g. "Kick session s-1 of client a?"
     * @param warning what happens, in one or two sentences
     * @param action where the form posts
     * @param button the confirming button's text
     * @param buttonId the confirming button's id
     * @param cancel where "Cancel" goes
     */
    public record Confirmation(
            String heading, String warning, String action, String button, String buttonId, String cancel) {}

    /** An id as a table shows it: whole up to {@link #SHORT_ID} characters, else its start and an ellipsis. */
    static String shorten(String id) {
        return id.length() <= SHORT_ID ? id : id.substring(0, SHORT_ID - 2) + "…";
    }

    /** The login page, with an optional notice ({@code null}: none). */
    public String login(String notice, boolean error, boolean enabled) {
        return template("login")
                .data("notice", notice)
                .data("error", error)
                .data("enabled", enabled)
                .render();
    }

    /** A page that says why a request was refused. */
    public String refusal(String message) {
        return template("refusal").data("message", message).render();
    }

    private Template template(String name) {
        Template template = engine.getTemplate("console/" + name);
        if (template == null) {
            throw new IllegalStateException("console template " + name + " is missing from the jar");
        }
        return template;
    }

    private static Optional<TemplateLocation> locate(String id) {
        String resource = id + ".html";
        if (ConsolePages.class.getClassLoader().getResource(resource) == null) {
            return Optional.empty();
        }
        return Optional.of(new TemplateLocation() {
            @Override
            public Reader read() {
                InputStream in = ConsolePages.class.getClassLoader().getResourceAsStream(resource);
                return new InputStreamReader(in, StandardCharsets.UTF_8);
            }

            @Override
            public Optional<Variant> getVariant() {
                return Optional.of(HTML);
            }
        });
    }
}
