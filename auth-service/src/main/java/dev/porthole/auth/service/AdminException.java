package dev.porthole.auth.service;

import dev.porthole.protocol.problem.Problem.FieldError;
import java.util.List;

/** An admin request that cannot be carried out, with the sentence that tells the operator why. */
public final class AdminException extends RuntimeException {

    /** What went wrong, which decides the HTTP status. */
    public enum Kind {
        /** 404 */
        NOT_FOUND,
        /** 409 */
        CONFLICT,
        /** 400, with the fields in error */
        INVALID
    }

    private final Kind kind;
    private final String title;
    private final List<FieldError> errors;

    public AdminException(Kind kind, String title, String detail) {
        this(kind, title, detail, List.of());
    }

    public AdminException(Kind kind, String title, String detail, List<FieldError> errors) {
        super(detail, null, false, false);
        this.kind = kind;
        this.title = title;
        this.errors = List.copyOf(errors);
    }

    public static AdminException notFound(String what) {
        return new AdminException(Kind.NOT_FOUND, "Not found", what);
    }

    public static AdminException invalid(String field, String message) {
        return new AdminException(
                Kind.INVALID, "Invalid request", field + ": " + message, List.of(new FieldError(field, message)));
    }

    public Kind kind() {
        return kind;
    }

    public String title() {
        return title;
    }

    public List<FieldError> errors() {
        return errors;
    }
}
