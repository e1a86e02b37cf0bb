package dev.porthole.gateway.limits;

import java.util.function.LongFunction;

/**
 * The upload and download buckets of one client, shared by all its tunnels on this gateway (and,
 * through Redis, with its tunnels on the other gateways); guarded by the policy.
 */
final class ClientBandwidth {

    private long grantedUpload;
    private long grantedDownload;
    final TokenBucket upload;
    final TokenBucket download;
    int sessions;

    /** {@code upload} and {@code download} make a bucket of each direction at a rate. */
    ClientBandwidth(
            long grantedUpload,
            long grantedDownload,
            LimitSettings settings,
            LongFunction<TokenBucket> upload,
            LongFunction<TokenBucket> download) {
        this.grantedUpload = grantedUpload;
        this.grantedDownload = grantedDownload;
        this.upload = upload.apply(settings.clientUpload(grantedUpload));
        this.download = download.apply(settings.clientDownload(grantedDownload));
    }

    /** Takes the grants of the client's newest session (an admin may have changed them). */
    void regrant(long upload, long download, LimitSettings settings) {
        grantedUpload = upload;
        grantedDownload = download;
        apply(settings);
    }

    /** Follows new settings; the client's own grants still win over the gateway's defaults. */
    void apply(LimitSettings settings) {
        upload.set(settings.clientUpload(grantedUpload));
        download.set(settings.clientDownload(grantedDownload));
    }
}
