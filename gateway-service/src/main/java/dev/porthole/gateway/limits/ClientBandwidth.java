package dev.porthole.gateway.limits;

import io.github.bucket4j.TimeMeter;
import java.time.Duration;

/** The upload and download buckets of one client, shared by all its tunnels on this gateway; guarded by the policy. */
final class ClientBandwidth {

    private long grantedUpload;
    private long grantedDownload;
    final Rate upload;
    final Rate download;
    int sessions;

    ClientBandwidth(long grantedUpload, long grantedDownload, LimitSettings settings, Duration burst, TimeMeter time) {
        this.grantedUpload = grantedUpload;
        this.grantedDownload = grantedDownload;
        this.upload = new Rate(settings.clientUpload(grantedUpload), burst, time);
        this.download = new Rate(settings.clientDownload(grantedDownload), burst, time);
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
