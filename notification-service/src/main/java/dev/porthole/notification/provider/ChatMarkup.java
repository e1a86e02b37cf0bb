package dev.porthole.notification.provider;

import java.util.function.UnaryOperator;

/**
 * Makes an event value plain text inside one chat service's message syntax. DingTalk, WeCom and
 * Feishu document what their markdown (and Feishu's text {@code <at>} tag) supports, but no escape
 * character for it, so each character that starts markup in that syntax becomes its full-width
 * look-alike (U+FF01..U+FF5E), which no renderer reads as markup and a reader still recognises.
 * Line breaks and other control characters become spaces, so a value can neither start a heading,
 * quote or list nor forge a line of its own; characters that only matter at the start of a line
 * are replaced when the value starts with one.
 */
public final class ChatMarkup implements UnaryOperator<String> {

    /** Plain text: nothing is markup, but a value stays on its line. */
    public static final ChatMarkup TEXT = new ChatMarkup("", "");

    /** DingTalk markdown: headings, quotes, lists, emphasis, links and images, inline code, {@code <font>}. */
    public static final ChatMarkup DINGTALK_MARKDOWN = new ChatMarkup("\\`*_[]<>", "#>-+");

    /** WeCom markdown: headings, quotes, bold, links, inline code, {@code <font color>}, {@code <@userid>} mentions. */
    public static final ChatMarkup WECOM_MARKDOWN = new ChatMarkup("\\`*[]<>", "#>-+");

    /** Feishu lark_md: emphasis, strikethrough, links, inline code, {@code <at>}, {@code <font>} and other tags, lists, quotes. */
    public static final ChatMarkup FEISHU_LARK_MD = new ChatMarkup("\\`*_~[]<>", "#>-+");

    /** Feishu text messages: {@code <at user_id="...">} mentions. */
    public static final ChatMarkup FEISHU_TEXT = new ChatMarkup("<>", "");

    private static final int FULL_WIDTH_OFFSET = 0xFEE0;

    private final String anywhere;
    private final String atLineStart;

    private ChatMarkup(String anywhere, String atLineStart) {
        this.anywhere = anywhere;
        this.atLineStart = atLineStart;
    }

    /** The value as plain text in this syntax. */
    @Override
    public String apply(String value) {
        StringBuilder out = new StringBuilder(value.length());
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (Character.isISOControl(c) || c == '\u2028' || c == '\u2029') {
                out.append(' ');
            } else if (anywhere.indexOf(c) >= 0 || (i == 0 && atLineStart.indexOf(c) >= 0)) {
                out.append((char) (c + FULL_WIDTH_OFFSET));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
