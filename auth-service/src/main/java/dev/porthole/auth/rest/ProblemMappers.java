package dev.porthole.auth.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import dev.porthole.auth.service.AdminException;
import dev.porthole.protocol.problem.Problem;
import dev.porthole.protocol.problem.Problem.FieldError;
import io.quarkus.logging.Log;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.ConstraintViolationException;
import jakarta.validation.ElementKind;
import jakarta.validation.Path;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.util.Comparator;
import java.util.List;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** Turns every error into an RFC 9457 problem detail; nothing answers with a stack trace or a secret. */
public class ProblemMappers {

    private static final String BEARER_CHALLENGE = "Bearer realm=\"porthole-admin\"";

    private final ProblemResponses problems;

    public ProblemMappers(ProblemResponses problems) {
        this.problems = problems;
    }

    @ServerExceptionMapper
    public Response admin(AdminException e) {
        int status = switch (e.kind()) {
            case NOT_FOUND -> 404;
            case CONFLICT -> 409;
            case INVALID -> 400;
        };
        String slug = switch (e.kind()) {
            case NOT_FOUND -> "not-found";
            case CONFLICT -> "conflict";
            case INVALID -> "validation";
        };
        return problems.of(new Problem(Problem.TYPE_PREFIX + slug, e.title(), status, e.getMessage(), e.errors()));
    }

    @ServerExceptionMapper
    public Response validation(ConstraintViolationException e) {
        List<FieldError> errors = e.getConstraintViolations().stream()
                .map(v -> new FieldError(field(v), v.getMessage()))
                .sorted(Comparator.comparing(FieldError::field))
                .toList();
        String detail = errors.stream()
                .map(err -> err.field() + " " + err.message())
                .reduce((a, b) -> a + "; " + b)
                .orElse("invalid request");
        return problems.of(new Problem(Problem.TYPE_PREFIX + "validation", "Invalid request", 400, detail, errors));
    }

    /** Registered for the exact type too, so that it wins over the extension's plain-JSON mapper. */
    @ServerExceptionMapper
    public Response mismatched(MismatchedInputException e) {
        return unreadable(e);
    }

    @ServerExceptionMapper
    public Response unreadable(JsonProcessingException e) {
        String field = e instanceof JsonMappingException mapping ? mappingPath(mapping) : "";
        String message = e.getOriginalMessage() == null
                ? "is not valid"
                : e.getOriginalMessage().lines().findFirst().orElse("is not valid");
        List<FieldError> errors = field.isEmpty() ? List.of() : List.of(new FieldError(field, message));
        String detail = field.isEmpty() ? "the request body is not valid JSON: " + message : field + ": " + message;
        return problems.of(new Problem(Problem.TYPE_PREFIX + "validation", "Invalid request", 400, detail, errors));
    }

    @ServerExceptionMapper({UnauthorizedException.class, AuthenticationFailedException.class})
    public Response unauthorized(RuntimeException e) {
        return problems.builder(
                        Problem.of(
                                "unauthorized",
                                "Unauthorized",
                                401,
                                "a valid admin JWT is required: get one with POST /api/v1/admin/token and send it as 'Authorization: Bearer <jwt>'"))
                .header(HttpHeaders.WWW_AUTHENTICATE, BEARER_CHALLENGE)
                .build();
    }

    @ServerExceptionMapper
    public Response forbidden(ForbiddenException e) {
        return problems.of(
                Problem.of("forbidden", "Forbidden", 403, "this endpoint needs a JWT with the role 'admin'"));
    }

    @ServerExceptionMapper
    public Response web(WebApplicationException e) {
        int status = e.getResponse().getStatus();
        String title = Response.Status.fromStatusCode(status) == null
                ? "Error"
                : Response.Status.fromStatusCode(status).getReasonPhrase();
        String detail = switch (status) {
            case 404 -> "no such resource; see /q/openapi for the API";
            case 405 -> "this method is not allowed here; see /q/openapi for the API";
            case 415 -> "send the body as application/json";
            default -> e.getMessage() == null ? title : e.getMessage();
        };
        return problems.of(Problem.of(title.toLowerCase().replace(' ', '-'), title, status, detail));
    }

    @ServerExceptionMapper
    public Response unexpected(Exception e, UriInfo uri) {
        if (isRedisUnreachable(e)) {
            Log.warnf("Redis is unreachable: %s", e.getMessage());
            String detail = uri.getPath().startsWith("/internal/")
                    ? "authentication unavailable: auth-service cannot reach Redis; retrying later will help"
                    : "auth-service cannot reach Redis; try again shortly";
            return problems.builder(Problem.of("unavailable", "Service unavailable", 503, detail))
                    .header("Retry-After", 5)
                    .build();
        }
        Log.errorf(e, "unexpected error: %s", e.getMessage());
        return problems.of(Problem.of(
                "internal",
                "Internal error",
                500,
                "the request could not be completed (is Redis reachable?); see the auth-service log"));
    }

    /** A connection refused, reset or timed out on the way to Redis (the only network peer here). */
    private static boolean isRedisUnreachable(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof java.net.ConnectException
                    || cause instanceof java.nio.channels.ClosedChannelException
                    || cause instanceof io.netty.channel.ConnectTimeoutException
                    || cause instanceof io.smallrye.mutiny.TimeoutException
                    || cause.getClass().getName().startsWith("io.vertx.redis")) {
                return true;
            }
        }
        return false;
    }

    private static String field(ConstraintViolation<?> violation) {
        StringBuilder field = new StringBuilder();
        String parameter = "";
        for (Path.Node node : violation.getPropertyPath()) {
            if (node.getKind() == ElementKind.METHOD) {
                continue;
            }
            if (node.getKind() == ElementKind.PARAMETER) {
                parameter = node.getName();
                continue;
            }
            if (node.getName() != null && !node.getName().startsWith("<")) {
                field.append(field.isEmpty() ? "" : ".").append(node.getName());
            }
            if (node.getIndex() != null) {
                field.append('[').append(node.getIndex()).append(']');
            } else if (node.getKey() != null) {
                field.append('[').append(node.getKey()).append(']');
            }
        }
        return field.isEmpty() ? parameter : field.toString();
    }

    private static String mappingPath(JsonMappingException e) {
        StringBuilder field = new StringBuilder();
        for (JsonMappingException.Reference ref : e.getPath()) {
            if (ref.getFieldName() != null) {
                field.append(field.isEmpty() ? "" : ".").append(ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                field.append('[').append(ref.getIndex()).append(']');
            }
        }
        return field.toString();
    }
}
