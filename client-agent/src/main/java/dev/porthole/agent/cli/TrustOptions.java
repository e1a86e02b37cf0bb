package dev.porthole.agent.cli;

import dev.porthole.agent.tunnel.GatewayTrust;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Option;

/** How the agent checks the gateway's TLS certificate on {@code https://}: shared by the commands that connect and by {@code login}. */
class TrustOptions {

    @Option(
            names = "--ca",
            paramLabel = "FILE",
            defaultValue = "${env:CA_FILE}",
            description =
                    "Check the gateway's TLS certificate against the CA certificate(s) in this PEM file instead of the system trust store"
                            + " (env CA_FILE).")
    String caFile;

    @Option(
            names = "--insecure",
            defaultValue = "${env:INSECURE:-false}",
            description =
                    "Do not check the gateway's TLS certificate (env INSECURE). Anyone on the path can then pose as the gateway; "
                            + "the agent warns at every start. Prefer --ca.")
    boolean insecure;

    @Option(
            names = "--pin",
            paramLabel = "sha256/BASE64",
            defaultValue = "${env:PIN}",
            split = ";",
            description =
                    "Accept only a gateway whose public key has this SHA-256 (base64, as curl's --pinnedpubkey); repeat or separate "
                            + "with ';' for a key rollover (env PIN).")
    List<String> pins;

    /** The CA file as an absolute path, to be found again from another directory; null when none was given. */
    String savedCaFile() {
        return caFile == null || caFile.isBlank()
                ? null
                : Path.of(caFile.trim()).toAbsolutePath().normalize().toString();
    }

    /** Whether any of the options was given. */
    boolean given() {
        return (caFile != null && !caFile.isBlank()) || insecure || (pins != null && !pins.isEmpty());
    }

    /** Takes the CA file and pins saved with the login, when none of the options was given. */
    void fallBackOn(String savedCaFile, List<String> savedPins) {
        if (!given()) {
            caFile = savedCaFile;
            pins = savedPins;
        }
    }

    /** The trust these options describe, validated. */
    GatewayTrust trust() {
        return GatewayTrust.of(caFile, insecure, pins);
    }
}
