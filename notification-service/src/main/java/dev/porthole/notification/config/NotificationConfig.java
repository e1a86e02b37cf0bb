package dev.porthole.notification.config;

import dev.porthole.notification.message.MessageFormat;
import dev.porthole.notification.provider.ProviderKind;
import dev.porthole.protocol.admin.AdminTokenKey;
import dev.porthole.protocol.event.Severity;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.Size;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.hibernate.validator.constraints.time.DurationMin;

/**
 * Every setting of notification-service. Quarkus maps {@code porthole.x.y} to the environment
 * variable {@code PORTHOLE_X_Y}; the simple single-channel case also reads {@code NOTIFICATION_PROVIDER},
 * {@code NOTIFICATION_URL} and {@code NOTIFICATION_SECRET} (see application.properties).
 */
@ConfigMapping(prefix = "porthole")
public interface NotificationConfig {

    /** Redis settings shared by every Porthole service. */
    RedisSettings redis();

    /** Admin API settings shared by every Porthole service. */
    AdminSettings admin();

    /** notification-service settings ({@code porthole.notify.*}). */
    @WithName("notify")
    Notify notification();

    /** Redis settings shared by every Porthole service. */
    interface RedisSettings {
        /** Prefix of every Redis key and channel this service reads or writes. */
        @WithDefault("porthole:")
        String prefix();
    }

    /** Admin API settings. */
    interface AdminSettings {
        /**
         * The bootstrap admin key ({@code PORTHOLE_ADMIN_KEY}, at least 32 characters); admin JWTs are
         * verified with the key derived from it. Without it the admin API answers 401 to everyone.
         */
        Optional<@Size(min = AdminTokenKey.MIN_ADMIN_KEY_LENGTH, message = "must be at least {min} characters") String>
                key();
    }

    /** notification-service settings. */
    interface Notify {
        /** How events are read from the Redis Stream. */
        Consumer consumer();

        /** How a message is sent and retried. */
        Delivery delivery();

        /** Rate limits per chat service; each channel gets its own bucket with these limits. */
        RateLimits rateLimits();

        /** Flapping suppression of tunnels and agents that go down and up again. */
        Flapping flapping();

        /** The dead-letter stream. */
        DeadLetters deadLetters();

        /** Channels created over the admin API. */
        Channels channels();

        /** The channel named {@code default}, defined by configuration (the simple case). */
        DefaultChannel defaultChannel();
    }

    /** How events are read from the Redis Stream. */
    interface Consumer {
        /** Consumer group shared by every replica. */
        @WithDefault("notification-service")
        @NotEmpty
        String group();

        /**
         * This replica's consumer name; must differ between replicas. Defaults to the host name
         * ({@code HOSTNAME}), which containers and pods already make unique.
         */
        Optional<String> name();

        /** Most entries read per XREADGROUP call. */
        @WithDefault("50")
        @Min(1)
        @Max(1000)
        int batchSize();

        /** How long one XREADGROUP call waits for new entries. */
        @WithDefault("2s")
        @DurationMin(millis = 1)
        Duration block();

        /**
         * Most stream entries held at once (read but not yet acknowledged); when reached, reading
         * pauses until deliveries finish. Bounds every queue, summary buffer and flapping window.
         */
        @WithDefault("1000")
        @Min(1)
        int maxInFlight();

        /**
         * An entry pending this long on a consumer that no longer refreshes it is taken over with
         * XAUTOCLAIM (a crashed replica's entries). Live replicas refresh theirs every third of it.
         */
        @WithDefault("60s")
        @DurationMin(seconds = 1)
        Duration claimMinIdle();

        /** How often this replica looks for stale entries of other consumers. */
        @WithDefault("10s")
        @DurationMin(millis = 1)
        Duration claimInterval();

        /** Where a newly created consumer group starts: the whole stream, or only new events. */
        @WithDefault("beginning")
        StartPosition startFrom();
    }

    /** Where a newly created consumer group starts reading. */
    enum StartPosition {
        /** Every event still in the stream, so that events written before the first start are delivered. */
        BEGINNING,
        /** Only events written after the group is created. */
        LATEST
    }

    /** How a message is sent and retried. */
    interface Delivery {
        /** Timeout of one webhook request (connect and answer). */
        @WithDefault("10s")
        @DurationMin(millis = 1)
        Duration timeout();

        /** Attempts per message (the first try included) before it goes to the dead-letter stream. */
        @WithDefault("5")
        @Min(1)
        @Max(100)
        int maxAttempts();

        /** Delay before the first retry; doubled for every further retry. */
        @WithDefault("2s")
        @DurationMin(millis = 1)
        Duration initialBackoff();

        /** Longest delay between two attempts (a larger Retry-After is still honoured). */
        @WithDefault("5m")
        Duration maxBackoff();

        /** Random part of each backoff delay, 0 to 1 (0.2 = up to 20% added). */
        @WithDefault("0.2")
        @DecimalMin("0.0")
        @DecimalMax("1.0")
        double jitter();

        /**
         * Shortest delay after a chat service answered "rate limited" (DingTalk throttles a robot for
         * minutes once it sent more than 20 messages a minute).
         */
        @WithDefault("60s")
        Duration rateLimitedBackoff();
    }

    /** Rate limits per chat service, as {@code permits/period}, comma separated when several apply. */
    interface RateLimits {
        /** DingTalk custom robot: 20 messages a minute. */
        @WithDefault("20/1m")
        List<Rate> dingtalk();

        /** Feishu / Lark custom bot: 5 a second and 100 a minute. */
        @WithDefault("5/1s,100/1m")
        List<Rate> feishu();

        /** WeCom group robot: 20 messages a minute. */
        @WithDefault("20/1m")
        List<Rate> wecom();

        /** Slack incoming webhook: about 1 a second. */
        @WithDefault("1/1s")
        List<Rate> slack();

        /** The limits of one chat service. */
        default List<Rate> of(ProviderKind kind) {
            return switch (kind) {
                case DINGTALK -> dingtalk();
                case FEISHU -> feishu();
                case WECOM -> wecom();
                case SLACK -> slack();
            };
        }
    }

    /** Flapping suppression. */
    interface Flapping {
        /**
         * A tunnel closed (or an agent disconnected) is held this long; if it comes back within it,
         * one message reports the flapping instead of one per change. 0 turns suppression off.
         */
        @WithDefault("30s")
        @DurationMin(millis = 0, message = "must be 0s (off) or more")
        Duration window();

        /** Most tunnels and agents watched at once per replica; beyond it events pass unsuppressed. */
        @WithDefault("1000")
        @Min(1)
        int maxTracked();
    }

    /** The dead-letter stream {@code <prefix>events:dead}. */
    interface DeadLetters {
        /** Most entries kept in the dead-letter stream (oldest trimmed first). */
        @WithDefault("10000")
        @Min(1)
        long maxLen();
    }

    /** Channels created over the admin API. */
    interface Channels {
        /** Most channels that can exist (the {@code default} channel included). */
        @WithDefault("100")
        @Min(1)
        @Max(10000)
        int max();
    }

    /** The channel named {@code default}, defined by configuration. */
    interface DefaultChannel {
        /** Chat service: dingtalk, feishu, wecom or slack ({@code NOTIFICATION_PROVIDER}). */
        Optional<ProviderKind> provider();

        /** Webhook URL ({@code NOTIFICATION_URL}); it carries the robot's key, so it is never logged. */
        Optional<String> url();

        /** Signing secret for DingTalk and Feishu ({@code NOTIFICATION_SECRET}). */
        Optional<String> secret();

        /** Event types to deliver (wire names such as {@code tunnel.closed}); empty means every type. */
        Optional<List<String>> eventTypes();

        /** Lowest severity delivered. */
        @WithDefault("info")
        Severity minSeverity();

        /** Message template with placeholders such as {@code {type}} and {@code {clientId}}. */
        Optional<String> template();

        /** RICH (markdown, card or blocks) or TEXT. */
        @WithDefault("rich")
        MessageFormat format();
    }
}
