package dev.porthole.gateway.config;

import io.quarkus.runtime.configuration.MemorySize;
import java.util.Optional;

/** Token buckets on the bytes tunnels carry; an empty bucket pauses the sender, it never drops bytes. */
public interface BandwidthConfig {
    /** All visitors to all agents, across every tunnel of this gateway. */
    Optional<MemorySize> upload();

    /** All agents to all visitors, across every tunnel of this gateway. */
    Optional<MemorySize> download();

    /** Per client, visitors to its agents, when its grants set no upload limit. */
    Optional<MemorySize> clientUpload();

    /** Per client, its agents to visitors, when its grants set no download limit. */
    Optional<MemorySize> clientDownload();
}
