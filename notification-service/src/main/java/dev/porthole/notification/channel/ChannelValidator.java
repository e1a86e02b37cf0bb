package dev.porthole.notification.channel;

import dev.porthole.notification.message.MessageFormat;
import dev.porthole.notification.message.MessageTemplate;
import dev.porthole.notification.problem.ProblemException;
import dev.porthole.notification.provider.ProviderKind;
import dev.porthole.protocol.event.EventType;
import dev.porthole.protocol.event.Severity;
import dev.porthole.protocol.problem.Problem;
import java.net.URI;
import java.net.URISyntaxException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Checks a channel request field by field and collects every mistake, so one answer names them
 * all (problem details with an {@code errors} array); turns a valid request into a {@link Channel}.
 */
public final class ChannelValidator {

    static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");
    static final int MAX_URL = 2048;
    static final int MAX_SECRET = 512;
    private static final SecureRandom RANDOM = new SecureRandom();

    private ChannelValidator() {}

    /** A new channel from a create request. */
    public static Channel create(ChannelRequest request) {
        if (request == null) {
            throw new ProblemException(
                    Problem.validation(List.of(new Problem.FieldError("body", "a JSON object is required"))));
        }
        List<Problem.FieldError> errors = new ArrayList<>();
        String id = request.id() == null ? generatedId() : request.id();
        if (!ID.matcher(id).matches()) {
            errors.add(new Problem.FieldError(
                    "id", "use 1 to 63 lowercase letters, digits and '-', starting with a letter or digit"));
        } else if (Channel.DEFAULT_ID.equals(id)) {
            errors.add(new Problem.FieldError(
                    "id", "'default' is the channel set by NOTIFICATION_* settings; pick another id"));
        }
        Optional<ProviderKind> provider = provider(request.provider(), true, errors);
        Optional<String> url = url(request.url(), true, errors);
        Optional<String> secret = secret(request.secret(), provider, errors);
        Set<EventType> types = eventTypes(request.eventTypes(), errors).orElse(Set.of());
        Severity severity = severity(request.minSeverity(), errors).orElse(Severity.INFO);
        Optional<MessageTemplate> template =
                template(request.template(), errors).orElse(Optional.empty());
        MessageFormat format = format(request.format(), errors).orElse(MessageFormat.RICH);
        if (!errors.isEmpty()) {
            throw new ProblemException(Problem.validation(errors));
        }
        return new Channel(
                id,
                provider.orElseThrow(),
                url.orElseThrow(),
                secret,
                new ChannelFilter(types, severity),
                template,
                format,
                Channel.Origin.API);
    }

    /** The channel with the request's fields applied; fields left out keep their value. */
    public static Channel update(Channel current, ChannelRequest request) {
        if (request == null) {
            throw new ProblemException(
                    Problem.validation(List.of(new Problem.FieldError("body", "a JSON object is required"))));
        }
        List<Problem.FieldError> errors = new ArrayList<>();
        if (request.id() != null && !request.id().equals(current.id())) {
            errors.add(new Problem.FieldError("id", "the id cannot change; create a new channel instead"));
        }
        ProviderKind provider = provider(request.provider(), false, errors).orElse(current.provider());
        String url = url(request.url(), false, errors).orElse(current.url());
        Optional<String> secret;
        if (request.secret() == null) {
            secret = current.secret().filter(s -> provider.signs());
            if (current.secret().isPresent() && !provider.signs()) {
                errors.add(new Problem.FieldError(
                        "secret",
                        provider.wireName()
                                + " does not sign requests; send \"secret\": \"\" to remove the stored secret"));
            }
        } else if (request.secret().isEmpty()) {
            secret = Optional.empty();
        } else {
            secret = secret(request.secret(), Optional.of(provider), errors);
        }
        Set<EventType> types =
                eventTypes(request.eventTypes(), errors).orElse(current.filter().eventTypes());
        Severity severity =
                severity(request.minSeverity(), errors).orElse(current.filter().minSeverity());
        Optional<MessageTemplate> template =
                template(request.template(), errors).orElse(current.template());
        MessageFormat format = format(request.format(), errors).orElse(current.format());
        if (!errors.isEmpty()) {
            throw new ProblemException(Problem.validation(errors));
        }
        return new Channel(
                current.id(),
                provider,
                url,
                secret,
                new ChannelFilter(types, severity),
                template,
                format,
                Channel.Origin.API);
    }

    private static Optional<ProviderKind> provider(String value, boolean required, List<Problem.FieldError> errors) {
        if (value == null) {
            if (required) {
                errors.add(new Problem.FieldError("provider", "required: dingtalk, feishu, wecom or slack"));
            }
            return Optional.empty();
        }
        Optional<ProviderKind> kind = ProviderKind.fromWireName(value);
        if (kind.isEmpty()) {
            errors.add(new Problem.FieldError("provider", "unknown provider; use dingtalk, feishu, wecom or slack"));
        }
        return kind;
    }

    private static Optional<String> url(String value, boolean required, List<Problem.FieldError> errors) {
        if (value == null) {
            if (required) {
                errors.add(new Problem.FieldError("url", "required: the chat service's webhook URL"));
            }
            return Optional.empty();
        }
        // Never echo the URL back: it carries the robot's key.
        if (value.length() > MAX_URL) {
            errors.add(new Problem.FieldError("url", "longer than " + MAX_URL + " characters"));
            return Optional.empty();
        }
        try {
            URI uri = new URI(value);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!(scheme.equals("https") || scheme.equals("http")) || uri.getHost() == null) {
                errors.add(new Problem.FieldError("url", "must be an absolute http or https URL"));
                return Optional.empty();
            }
            return Optional.of(value);
        } catch (URISyntaxException e) {
            errors.add(new Problem.FieldError("url", "not a valid URL"));
            return Optional.empty();
        }
    }

    private static Optional<String> secret(
            String value, Optional<ProviderKind> provider, List<Problem.FieldError> errors) {
        if (value == null || value.isEmpty()) {
            return Optional.empty();
        }
        if (value.length() > MAX_SECRET) {
            errors.add(new Problem.FieldError("secret", "longer than " + MAX_SECRET + " characters"));
            return Optional.empty();
        }
        if (provider.isPresent() && !provider.get().signs()) {
            errors.add(new Problem.FieldError(
                    "secret", provider.get().wireName() + " does not sign requests; leave the secret out"));
            return Optional.empty();
        }
        return Optional.of(value);
    }

    private static Optional<Set<EventType>> eventTypes(List<String> values, List<Problem.FieldError> errors) {
        if (values == null) {
            return Optional.empty();
        }
        Set<EventType> types = new LinkedHashSet<>();
        for (String name : values) {
            Optional<EventType> type = EventType.fromWireName(name);
            if (type.isEmpty()) {
                errors.add(new Problem.FieldError("eventTypes", "unknown event type '" + name + "'"));
            } else {
                types.add(type.get());
            }
        }
        return Optional.of(types);
    }

    private static Optional<Severity> severity(String value, List<Problem.FieldError> errors) {
        if (value == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(Severity.valueOf(value.trim().toUpperCase(Locale.ROOT)));
        } catch (IllegalArgumentException e) {
            errors.add(new Problem.FieldError("minSeverity", "use info, warning or critical"));
            return Optional.empty();
        }
    }

    /** Empty outer optional: left out; empty inner optional: removed. */
    private static Optional<Optional<MessageTemplate>> template(String value, List<Problem.FieldError> errors) {
        if (value == null) {
            return Optional.empty();
        }
        if (value.isBlank()) {
            return Optional.of(Optional.empty());
        }
        if (value.length() > MessageTemplate.MAX_LENGTH) {
            errors.add(new Problem.FieldError("template", "longer than " + MessageTemplate.MAX_LENGTH + " characters"));
            return Optional.empty();
        }
        MessageTemplate template = new MessageTemplate(value);
        List<String> unknown = template.unknownPlaceholders();
        if (!unknown.isEmpty()) {
            errors.add(new Problem.FieldError(
                    "template",
                    "unknown placeholder(s) "
                            + unknown.stream().map(u -> "{" + u + "}").toList()
                            + "; use names such as {type}, {severity}, {clientId}, {name}"));
            return Optional.empty();
        }
        return Optional.of(Optional.of(template));
    }

    private static Optional<MessageFormat> format(String value, List<Problem.FieldError> errors) {
        if (value == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(MessageFormat.valueOf(value.trim().toUpperCase(Locale.ROOT)));
        } catch (IllegalArgumentException e) {
            errors.add(new Problem.FieldError("format", "use rich or text"));
            return Optional.empty();
        }
    }

    private static String generatedId() {
        String alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
        StringBuilder id = new StringBuilder("ch-");
        for (int i = 0; i < 10; i++) {
            id.append(alphabet.charAt(RANDOM.nextInt(alphabet.length())));
        }
        return id.toString();
    }
}
