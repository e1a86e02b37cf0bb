package dev.porthole.testing;

import java.io.IOException;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;

/**
 * A real Pebble ACME test CA (Debian package {@code pebble}) on loopback, with
 * {@code pebble-challtestsrv} as its DNS so that every name resolves to 127.0.0.1: Pebble checks
 * HTTP-01 challenges at {@code http://<name>:<httpPort>/}, the port a gateway's redirect listener
 * binds, and DNS-01 challenges by the TXT records set through {@link #challengeServerUrl()}. Every port is a free one; Pebble's own HTTPS certificate is made for the run
 * ({@link #caFile()}). It can be stopped and started again, for tests of a CA that is down.
 */
public final class PebbleProcess implements AutoCloseable {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(20);

    private final Path workDir;
    private final int acmePort;
    private final int managementPort;
    private final int dnsPort;
    private final int dnsManagementPort;
    private Process pebble;
    private Process dns;
    private HttpClient client;

    private PebbleProcess(Path workDir, int acmePort, int managementPort, int dnsPort, int dnsManagementPort) {
        this.workDir = workDir;
        this.acmePort = acmePort;
        this.managementPort = managementPort;
        this.dnsPort = dnsPort;
        this.dnsManagementPort = dnsManagementPort;
    }

    /**
     * Starts Pebble and its DNS.
     *
     * @param httpPort where Pebble looks for HTTP-01 answers (the gateway's plain-HTTP port)
     * @param validity lifetime of the certificates it issues
     * @param blocked names Pebble refuses to issue for (its domain block list)
     */
    public static PebbleProcess start(int httpPort, Duration validity, List<String> blocked) {
        Optional<Path> binary = RedisServerProcess.findOnPath("pebble");
        if (binary.isEmpty()
                || RedisServerProcess.findOnPath("pebble-challtestsrv").isEmpty()) {
            throw new IllegalStateException(
                    "pebble and pebble-challtestsrv are not on the PATH; install them with 'apt-get install -y pebble'");
        }
        try {
            Path workDir = Files.createTempDirectory("porthole-pebble");
            PebbleProcess ca = new PebbleProcess(
                    workDir, FreePorts.loopback(), FreePorts.loopback(), FreePorts.loopback(), FreePorts.loopback());
            ca.writeConfig(httpPort, validity, blocked);
            ca.start();
            return ca;
        } catch (IOException e) {
            throw new IllegalStateException("could not start pebble: " + e.getMessage(), e);
        }
    }

    /** The ACME directory URL. */
    public String directoryUrl() {
        return "https://127.0.0.1:" + acmePort + "/dir";
    }

    /** The management API of Pebble's DNS ({@code pebble-challtestsrv}): where a DNS-01 solver publishes TXT records. */
    public String challengeServerUrl() {
        return "http://127.0.0.1:" + dnsManagementPort;
    }

    /** The UDP port on 127.0.0.1 where Pebble's DNS answers (the records set through {@link #challengeServerUrl()}). */
    public int dnsPort() {
        return dnsPort;
    }

    /** The PEM certificate of Pebble's own HTTPS listener: what an ACME client must trust to talk to it. */
    public Path caFile() {
        return workDir.resolve("pebble.crt");
    }

    /** Fetches the root certificate Pebble issues under (it makes a new one every start) into a PEM file. */
    public Path issuingRoot() {
        try {
            Path file = workDir.resolve("issuing-root-" + System.nanoTime() + ".pem");
            Files.writeString(file, management("/roots/0"));
            return file;
        } catch (IOException e) {
            throw new IllegalStateException("cannot keep pebble's root: " + e.getMessage(), e);
        }
    }

    /** Pebble's word on a certificate it issued: {@code Valid} or {@code Revoked}. */
    public String certificateStatus(BigInteger serial) {
        String body = management("/cert-status-by-serial/" + serial.toString(16));
        int at = body.indexOf("\"Status\"");
        if (at < 0) {
            throw new IllegalStateException("pebble's certificate status has no Status: " + body);
        }
        int start = body.indexOf('"', body.indexOf(':', at) + 1) + 1;
        return body.substring(start, body.indexOf('"', start));
    }

    private String management(String path) {
        try {
            HttpResponse<String> answer = client().send(
                            HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + managementPort + path))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            if (answer.statusCode() != 200) {
                throw new IllegalStateException(
                        "pebble's " + path + " answered " + answer.statusCode() + ": " + answer.body());
            }
            return answer.body();
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot ask pebble's " + path + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** Starts Pebble (again; its DNS too if it is not running) and waits until its directory answers. */
    public synchronized void start() {
        if (dns == null || !dns.isAlive()) {
            dns = run(
                    "pebble-challtestsrv",
                    List.of(
                            "pebble-challtestsrv",
                            "-dns01",
                            "127.0.0.1:" + dnsPort,
                            "-http01",
                            "",
                            "-https01",
                            "",
                            "-tlsalpn01",
                            "",
                            "-management",
                            "127.0.0.1:" + dnsManagementPort,
                            "-defaultIPv4",
                            "127.0.0.1",
                            "-defaultIPv6",
                            ""));
        }
        if (pebble != null && pebble.isAlive()) {
            return;
        }
        pebble = run(
                "pebble",
                List.of(
                        "pebble",
                        "-config",
                        workDir.resolve("pebble.json").toString(),
                        "-dnsserver",
                        "127.0.0.1:" + dnsPort));
        ChildProcesses.awaitAnswer(
                pebble, "pebble", workDir.resolve("pebble.log"), START_TIMEOUT, "on port " + acmePort, this::answers);
    }

    /** Stops Pebble (the DNS stays), so that the CA is down. */
    public synchronized void stop() {
        pebble = stop(pebble);
        forgetClient();
    }

    @Override
    public synchronized void close() {
        stop();
        dns = stop(dns);
    }

    /** Drops the client with its kept-alive connections, which a stopped Pebble has closed. */
    private void forgetClient() {
        if (client != null) {
            client.close();
            client = null;
        }
    }

    private Process run(String name, List<String> command) {
        try {
            ProcessBuilder builder = new ProcessBuilder(new ArrayList<>(command))
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(
                            workDir.resolve(name + ".log").toFile()));
            Map<String, String> env = builder.environment();
            env.put("PEBBLE_VA_NOSLEEP", "1");
            env.put("PEBBLE_WFE_NONCEREJECT", "0");
            env.put("PEBBLE_AUTHZREUSE", "0");
            return builder.start();
        } catch (IOException e) {
            throw new IllegalStateException("could not run " + name + ": " + e.getMessage(), e);
        }
    }

    private static Process stop(Process process) {
        ChildProcesses.stop(process);
        return null;
    }

    private boolean answers() {
        try {
            return client().send(
                                    HttpRequest.newBuilder(URI.create(directoryUrl()))
                                            .timeout(Duration.ofSeconds(1))
                                            .build(),
                                    HttpResponse.BodyHandlers.discarding())
                            .statusCode()
                    == 200;
        } catch (IOException | GeneralSecurityException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** One client for the life of the CA (each new one starts a selector thread), trusting its HTTPS certificate. */
    private synchronized HttpClient client() throws IOException, GeneralSecurityException {
        if (client == null) {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, TlsProbe.trusting(caFile()).getTrustManagers(), null);
            client = HttpClient.newBuilder()
                    .sslContext(context)
                    .connectTimeout(Duration.ofSeconds(1))
                    .build();
        }
        return client;
    }

    private void writeConfig(int httpPort, Duration validity, List<String> blocked) throws IOException {
        Process openssl = new ProcessBuilder(
                        "openssl",
                        "req",
                        "-x509",
                        "-newkey",
                        "ec",
                        "-pkeyopt",
                        "ec_paramgen_curve:prime256v1",
                        "-nodes",
                        "-days",
                        "2",
                        "-subj",
                        "/CN=pebble",
                        "-addext",
                        "subjectAltName=IP:127.0.0.1,DNS:localhost",
                        "-keyout",
                        workDir.resolve("pebble.key").toString(),
                        "-out",
                        caFile().toString())
                .redirectErrorStream(true)
                .redirectOutput(workDir.resolve("openssl.log").toFile())
                .start();
        try {
            if (!openssl.waitFor(60, TimeUnit.SECONDS) || openssl.exitValue() != 0) {
                throw new IOException(
                        "openssl could not make pebble's certificate; see " + workDir.resolve("openssl.log"));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while making pebble's certificate", e);
        }
        String blockList = String.join(
                ",", blocked.stream().map(name -> "\"" + name + "\"").toList());
        String config = """
                {"pebble": {
                  "listenAddress": "127.0.0.1:%d",
                  "managementListenAddress": "127.0.0.1:%d",
                  "certificate": "%s",
                  "privateKey": "%s",
                  "httpPort": %d,
                  "tlsPort": %d,
                  "ocspResponderURL": "",
                  "externalAccountBindingRequired": false,
                  "domainBlocklist": [%s],
                  "certificateValidityPeriod": %d
                }}
                """.formatted(
                        acmePort,
                        managementPort,
                        caFile(),
                        workDir.resolve("pebble.key"),
                        httpPort,
                        FreePorts.loopback(),
                        blockList,
                        validity.toSeconds());
        Files.writeString(workDir.resolve("pebble.json"), config, StandardCharsets.UTF_8);
    }

    /** The folder with the config and both processes' logs, for a failing test's message. */
    public Path workDir() {
        return workDir;
    }
}
