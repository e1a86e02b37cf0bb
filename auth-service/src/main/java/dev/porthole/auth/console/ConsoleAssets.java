package dev.porthole.auth.console;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** htmx, the live pages' script and the pages' small enhancements, served from auth-service's own jar (no CDN). */
@Path(ConsoleGate.STATIC)
public class ConsoleAssets {

    private static final String HTMX = "META-INF/resources/_static/htmx.org/2.0.2/dist/htmx.min.js";
    private static final String LIVE = "console/live.js";
    private static final String CONSOLE = "console/console.js";

    private final byte[] htmx = read(HTMX);
    private final byte[] live = read(LIVE);
    private final byte[] console = read(CONSOLE);

    /** Local times and copy buttons on every page ({@code console/console.js}). */
    @GET
    @Path("console.js")
    public Response console() {
        return Response.ok(console, "text/javascript; charset=utf-8")
                .header("Cache-Control", "no-cache")
                .build();
    }

    /** Keeps the sessions and events tables current over {@code /console/live/*} ({@link ConsoleLive}). */
    @GET
    @Path("live.js")
    public Response live() {
        return Response.ok(live, "text/javascript; charset=utf-8")
                .header("Cache-Control", "no-cache")
                .build();
    }

    @GET
    @Path("htmx.min.js")
    public Response htmx() {
        if (htmx == null) {
            return Response.status(404)
                    .type("text/plain")
                    .entity("htmx is missing from auth-service's jar; pages work without live updates\n")
                    .build();
        }
        return Response.ok(htmx, "text/javascript; charset=utf-8")
                .header("Cache-Control", "max-age=86400")
                .build();
    }

    private static byte[] read(String resource) {
        try (InputStream in = ConsoleAssets.class.getClassLoader().getResourceAsStream(resource)) {
            return in == null ? null : in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
