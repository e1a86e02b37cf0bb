package dev.porthole.notification.message;

/** How a channel's messages look in the chat. */
public enum MessageFormat {
    /** Markdown (DingTalk, WeCom), an interactive card (Feishu) or Block Kit blocks (Slack). */
    RICH,
    /** Plain text. */
    TEXT
}
