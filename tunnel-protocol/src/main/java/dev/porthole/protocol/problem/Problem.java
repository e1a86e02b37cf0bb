package dev.porthole.protocol.problem;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Objects;

/**
 * An RFC 9457 problem detail ({@code application/problem+json}), the body of every error answer of
 * every Porthole service's HTTP API, with one URN scheme for its {@code type}:
 * {@code urn:porthole:problem:<slug>}, for example {@code urn:porthole:problem:client-disabled}.
 *
 * @param type a URN naming the kind of problem
 * @param title a short summary of the kind of problem
 * @param status the HTTP status
 * @param detail what happened and what to do, a sentence a person can act on
 * @param errors for validation problems, each field in error (left out of the JSON when empty)
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record Problem(String type, String title, int status, String detail, List<FieldError> errors) {

    /** Media type of problem details. */
    public static final String MEDIA_TYPE = "application/problem+json";

    /** What every {@code type} starts with; the slug follows. */
    public static final String TYPE_PREFIX = "urn:porthole:problem:";

    public Problem {
        Objects.requireNonNull(type, "type");
        errors = errors == null ? List.of() : List.copyOf(errors);
    }

    /**
     * One field in error.
     *
     * @param field the field's name in the request
     * @param message what is wrong with it
     */
    public record FieldError(String field, String message) {}

    /** A problem of the kind {@code slug}, for example {@code of("not-found", "Not found", 404, "no client 'x'")}. */
    public static Problem of(String slug, String title, int status, String detail) {
        return new Problem(TYPE_PREFIX + slug, title, status, detail, List.of());
    }

    /** 400 {@code urn:porthole:problem:validation}, one entry per field in error. */
    public static Problem validation(List<FieldError> errors) {
        return new Problem(
                TYPE_PREFIX + "validation",
                "Invalid request",
                400,
                errors.size() + " field(s) are invalid; see errors",
                errors);
    }
}
