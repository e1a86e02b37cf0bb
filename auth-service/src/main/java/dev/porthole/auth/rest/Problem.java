package dev.porthole.auth.rest;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.porthole.auth.service.AdminException.FieldError;
import java.util.List;

/**
 * An RFC 9457 problem detail, the body of every error answer ({@code application/problem+json}).
 *
 * @param type a URN naming the kind of problem, for example {@code urn:porthole:problem:client-disabled}
 * @param title a short summary of the kind of problem
 * @param status the HTTP status
 * @param detail what happened and what to do, a sentence a person can act on
 * @param errors for validation problems, each field in error
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record Problem(String type, String title, int status, String detail, List<FieldError> errors) {

    /** Media type of problem details. */
    public static final String MEDIA_TYPE = "application/problem+json";

    public static Problem of(String slug, String title, int status, String detail) {
        return new Problem("urn:porthole:problem:" + slug, title, status, detail, List.of());
    }
}
