package dev.porthole.auth.console;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** htmx for the console's live parts, served from auth-service's own jar (no CDN). */
@Path(ConsoleGate.STATIC + "htmx.min.js")
public class ConsoleAssets {

    private static final String HTMX = "META-INF/resources/_static/htmx.org/2.0.2/dist/htmx.min.js";

    private final byte[] htmx = read();

    @GET
    public Response htmx() {
        if (htmx == null) {
            return Response.status(404).type("text/plain").entity("htmx is missing from auth-service's jar; pages work without live updates\n").build();
        }
        return Response.ok(htmx, "text/javascript; charset=utf-8").header("Cache-Control", "max-age=86400").build();
    }

    private static byte[] read() {
        try (InputStream in = ConsoleAssets.class.getClassLoader().getResourceAsStream(HTMX)) {
            return in == null ? null : in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
