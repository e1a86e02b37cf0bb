package dev.porthole.notification.provider;

import java.util.Locale;
import java.util.Optional;

/** The chat services Porthole delivers to. */
public enum ProviderKind {
    DINGTALK(true),
    FEISHU(true),
    WECOM(false),
    SLACK(false);

    private final boolean signs;

    ProviderKind(boolean signs) {
        this.signs = signs;
    }

    /** The name used in configuration and in the admin API, for example {@code dingtalk}. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Whether the service signs requests with a secret (DingTalk and Feishu do; WeCom and Slack do not). */
    public boolean signs() {
        return signs;
    }

    /** The kind with this wire name, any case. */
    public static Optional<ProviderKind> fromWireName(String name) {
        for (ProviderKind kind : values()) {
            if (kind.wireName().equalsIgnoreCase(name == null ? "" : name.trim())) {
                return Optional.of(kind);
            }
        }
        return Optional.empty();
    }
}
