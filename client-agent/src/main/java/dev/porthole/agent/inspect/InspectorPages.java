package dev.porthole.agent.inspect;

import io.quarkus.qute.Engine;
import io.quarkus.qute.HtmlEscaper;
import io.quarkus.qute.ReflectionValueResolver;
import io.quarkus.qute.Template;
import io.quarkus.qute.TemplateLocator.TemplateLocation;
import io.quarkus.qute.Variant;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** Renders the inspector's HTML with Qute templates from {@code inspector/} on the classpath, escaping every value. */
public final class InspectorPages {

    private static final Variant HTML = new Variant(Locale.ROOT, StandardCharsets.UTF_8, "text/html");

    private final Engine engine;

    public InspectorPages() {
        this.engine = Engine.builder()
                .addDefaults()
                .addValueResolver(new ReflectionValueResolver())
                .addResultMapper(new HtmlEscaper(List.of("text/html")))
                .removeStandaloneLines(true)
                .strictRendering(true)
                .addLocator(InspectorPages::locate)
                .build();
    }

    /** The numbers the list page states: how much the inspector keeps. */
    public record Limits(int maxExchanges, String maxBytes, String bodyCap) {
        static Limits of(ExchangeStore store) {
            return new Limits(
                    store.maxExchanges(), ExchangeRow.size(store.maxBytes()), ExchangeRow.size(store.bodyCap()));
        }
    }

    public String index(List<ExchangeRow> rows, ExchangeFilter filter, ExchangeStore store, List<TunnelLine> tunnels) {
        return template("inspector/index")
                .data("rows", rows)
                .data("filter", filter)
                .data("limits", Limits.of(store))
                .data("tunnels", tunnels)
                .data("maxRows", InspectorPageRoutes.PAGE_ROWS)
                .render();
    }

    /** Rows of the list, for {@link LiveFeed}: the whole list, or one row. */
    public String rows(List<ExchangeRow> rows, ExchangeFilter filter) {
        return template("inspector/rows")
                .data("rows", rows)
                .data("filter", filter)
                .render();
    }

    /** The detail page; {@code original} is the exchange a replay replays (shown side by side), or null. */
    public String detail(ExchangeDetail detail, ExchangeDetail original) {
        return template("inspector/detail")
                .data("d", detail)
                .data("original", original)
                .render();
    }

    public String comparison(ExchangeDetail original, ExchangeDetail replay) {
        return template("inspector/compare")
                .data("original", original)
                .data("replay", replay)
                .render();
    }

    public String replayError(String message) {
        return template("inspector/replay-error").data("message", message).render();
    }

    private Template template(String id) {
        Template template = engine.getTemplate(id);
        if (template == null) {
            throw new IllegalStateException("inspector template " + id + " is missing from the jar");
        }
        return template;
    }

    private static Optional<TemplateLocation> locate(String id) {
        String resource = id + ".html";
        if (InspectorPages.class.getClassLoader().getResource(resource) == null) {
            return Optional.empty();
        }
        return Optional.of(new TemplateLocation() {
            @Override
            public Reader read() {
                InputStream in = InspectorPages.class.getClassLoader().getResourceAsStream(resource);
                return new InputStreamReader(in, StandardCharsets.UTF_8);
            }

            @Override
            public Optional<Variant> getVariant() {
                return Optional.of(HTML);
            }
        });
    }
}
