package dev.porthole.notification.provider;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Shows webhook URLs without their keys. A webhook URL carries the robot's key in its query
 * (DingTalk, WeCom) or path (Feishu, Slack), so the API and logs show only scheme and host, plus a
 * fingerprint that tells two URLs apart without revealing either.
 */
public final class WebhookUrls {

    private WebhookUrls() {}

    /** {@code https://oapi.dingtalk.com/***}; {@code ***} when the URL cannot be parsed. */
    public static String mask(String url) {
        try {
            URI uri = new URI(url);
            if (uri.getScheme() == null || uri.getHost() == null) {
                return "***";
            }
            String port = uri.getPort() < 0 ? "" : ":" + uri.getPort();
            return uri.getScheme() + "://" + uri.getHost() + port + "/***";
        } catch (URISyntaxException e) {
            return "***";
        }
    }

    /** {@code sha256:} and the first 12 hex digits of the URL's SHA-256. */
    public static String fingerprint(String url) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(url.getBytes(StandardCharsets.UTF_8));
            return "sha256:" + HexFormat.of().formatHex(digest, 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }
}
