package dev.porthole.notification.problem;

import com.fasterxml.jackson.annotation.JsonInclude;
import jakarta.ws.rs.core.Response;
import java.util.List;

/**
 * An RFC 9457 problem details document ({@code application/problem+json}).
 *
 * @param type URI naming the kind of problem
 * @param title short summary of the kind
 * @param status the HTTP status
 * @param detail what happened here and what to do
 * @param errors for validation problems, one entry per invalid field
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Problem(String type, String title, int status, String detail, List<FieldError> errors) {

    /** Media type of problem documents. */
    public static final String MEDIA_TYPE = "application/problem+json";

    private static final String TYPE_BASE = "https://porthole.dev/problems/";

    /**
     * One invalid field.
     *
     * @param field the field's name in the request
     * @param message what is wrong with it
     */
    public record FieldError(String field, String message) {
    }

    public static Problem of(int status, String slug, String title, String detail) {
        return new Problem(TYPE_BASE + slug, title, status, detail, null);
    }

    public static Problem validation(List<FieldError> errors) {
        return new Problem(TYPE_BASE + "validation", "Invalid request", 400,
                errors.size() + " field(s) are invalid; see errors", List.copyOf(errors));
    }

    public Response toResponse() {
        return Response.status(status).type(MEDIA_TYPE).entity(this).build();
    }
}
