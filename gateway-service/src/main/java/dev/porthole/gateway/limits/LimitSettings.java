package dev.porthole.gateway.limits;

import dev.porthole.gateway.config.BandwidthConfig;
import dev.porthole.gateway.config.LimitsConfig;
import io.quarkus.runtime.configuration.MemorySize;
import java.util.Optional;

/**
 * The tunnel limits in force, as one value that can be swapped at runtime. A rate of 0 means no
 * limit.
 *
 * @param uploadBytesPerSecond all visitors to all agents on this gateway
 * @param downloadBytesPerSecond all agents to all visitors on this gateway
 * @param clientUploadBytesPerSecond per client, when its grants set no upload limit
 * @param clientDownloadBytesPerSecond per client, when its grants set no download limit
 * @param streamsPerTunnel most concurrent visitor requests on one HTTP tunnel
 * @param requestsPerSecondPerTunnel most requests per second to one HTTP tunnel
 * @param maxBodySize largest request body a visitor may send
 */
public record LimitSettings(
        long uploadBytesPerSecond,
        long downloadBytesPerSecond,
        long clientUploadBytesPerSecond,
        long clientDownloadBytesPerSecond,
        int streamsPerTunnel,
        int requestsPerSecondPerTunnel,
        long maxBodySize) {

    /** A rate of this value is no limit at all. */
    public static final long UNLIMITED = 0;

    public LimitSettings {
        if (uploadBytesPerSecond < 0
                || downloadBytesPerSecond < 0
                || clientUploadBytesPerSecond < 0
                || clientDownloadBytesPerSecond < 0
                || requestsPerSecondPerTunnel < 0) {
            throw new IllegalArgumentException("a rate must be 0 (no limit) or positive");
        }
        if (streamsPerTunnel <= 0 || maxBodySize <= 0) {
            throw new IllegalArgumentException("streams per tunnel and max body size must be positive");
        }
    }

    /** The settings a configuration asks for; call {@code ConfigCheck} first for messages that name the keys. */
    public static LimitSettings from(LimitsConfig limits) {
        BandwidthConfig bandwidth = limits.bandwidth();
        return new LimitSettings(
                rate(bandwidth.upload()),
                rate(bandwidth.download()),
                rate(bandwidth.clientUpload()),
                rate(bandwidth.clientDownload()),
                limits.streamsPerTunnel(),
                limits.requestsPerSecondPerTunnel().orElse(0),
                limits.maxBodySize().asLongValue());
    }

    /** The upload rate of one client: its grant when set, otherwise this gateway's default. */
    public long clientUpload(long granted) {
        return granted > 0 ? granted : clientUploadBytesPerSecond;
    }

    /** The download rate of one client: its grant when set, otherwise this gateway's default. */
    public long clientDownload(long granted) {
        return granted > 0 ? granted : clientDownloadBytesPerSecond;
    }

    private static long rate(Optional<MemorySize> size) {
        return size.map(MemorySize::asLongValue).orElse(UNLIMITED);
    }
}
