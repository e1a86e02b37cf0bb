package dev.porthole.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;

/**
 * A real {@code redis-server} process on a loopback port: the one on the PATH if there is one,
 * otherwise the Linux binary that the embedded-redis artifact ships. It can be stopped and started
 * again on the same port, for tests of what happens while Redis is away.
 */
public final class RedisServerProcess implements AutoCloseable {

    private static final String EMBEDDED_BINARY = "redis-server-6.2.6-v5-linux-amd64";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(20);

    private final Path binary;
    private final int port;
    private final Path workDir;
    /** The ACL user and password Redis requires (the default user is off), or null for none. */
    private final String user;

    private final String password;
    /** Whether Redis speaks TLS only, with a self-signed certificate for 127.0.0.1 in {@link #certificate()}. */
    private final boolean tls;

    private Process process;

    private RedisServerProcess(Path binary, int port, Path workDir, String user, String password, boolean tls) {
        this.binary = binary;
        this.port = port;
        this.workDir = workDir;
        this.user = user;
        this.password = password;
        this.tls = tls;
    }

    /** Starts a redis-server on a free loopback port. */
    public static RedisServerProcess startOnFreePort() {
        return start(null, null, false);
    }

    /**
     * Starts a redis-server that lets in only the ACL user {@code user} with {@code password} (every
     * command and key), the default user switched off, optionally over TLS only.
     */
    public static RedisServerProcess startWithAcl(String user, String password, boolean tls) {
        return start(user, password, tls);
    }

    private static RedisServerProcess start(String user, String password, boolean tls) {
        try {
            Path workDir = Files.createTempDirectory("porthole-redis");
            if (tls) {
                selfSignedCertificate(workDir);
            }
            RedisServerProcess redis =
                    new RedisServerProcess(locateBinary(), FreePorts.loopback(), workDir, user, password, tls);
            redis.start();
            return redis;
        } catch (IOException e) {
            throw new IllegalStateException("could not start redis-server: " + e.getMessage(), e);
        }
    }

    /** The PEM certificate a TLS server presents (self-signed, for 127.0.0.1 and localhost): the CA clients trust. */
    public Path certificate() {
        return workDir.resolve("redis.crt");
    }

    private static void selfSignedCertificate(Path dir) throws IOException {
        Process openssl = new ProcessBuilder(
                        "openssl",
                        "req",
                        "-x509",
                        "-newkey",
                        "rsa:2048",
                        "-nodes",
                        "-days",
                        "2",
                        "-subj",
                        "/CN=localhost",
                        "-addext",
                        "subjectAltName=IP:127.0.0.1,DNS:localhost",
                        "-keyout",
                        dir.resolve("redis.key").toString(),
                        "-out",
                        dir.resolve("redis.crt").toString())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("openssl.log").toFile())
                .start();
        try {
            if (!openssl.waitFor(60, TimeUnit.SECONDS) || openssl.exitValue() != 0) {
                throw new IOException("openssl could not make a test certificate; see " + dir.resolve("openssl.log"));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while making a test certificate", e);
        }
    }

    /** The redis-server binary: from the PATH, else extracted from the embedded-redis jar. */
    public static Path locateBinary() throws IOException {
        Optional<Path> onPath = findOnPath("redis-server");
        if (onPath.isPresent()) {
            return onPath.get();
        }
        try (InputStream in = RedisServerProcess.class.getClassLoader().getResourceAsStream(EMBEDDED_BINARY)) {
            if (in == null) {
                throw new IOException("no redis-server on the PATH and no " + EMBEDDED_BINARY + " on the classpath;"
                        + " install one with 'apt-get install -y redis-server' or set REDIS_URL");
            }
            Path target = Files.createTempFile("redis-server", "");
            Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
            Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rwx------"));
            target.toFile().deleteOnExit();
            return target;
        }
    }

    public int port() {
        return port;
    }

    /** The URL for the Quarkus Redis client: {@code redis://127.0.0.1:<port>}, with the ACL user and {@code rediss} when set. */
    public String url() {
        return url(password);
    }

    /** The URL with another password than the one Redis requires, for tests of a refused login. */
    public String url(String withPassword) {
        return (tls ? "rediss://" : "redis://") + (user == null ? "" : user + ":" + withPassword + "@") + "127.0.0.1:"
                + port;
    }

    /** Starts the process (again) and waits until it answers PING. */
    public synchronized void start() {
        if (process != null && process.isAlive()) {
            return;
        }
        List<String> command = commandLine(binary, tls ? 0 : port, workDir, "warning");
        if (user != null) {
            command.addAll(
                    List.of("--user", "default", "off", "--user", user, "on", ">" + password, "~*", "&*", "+@all"));
        }
        if (tls) {
            command.addAll(List.of(
                    "--tls-port",
                    String.valueOf(port),
                    "--tls-cert-file",
                    certificate().toString(),
                    "--tls-key-file",
                    workDir.resolve("redis.key").toString(),
                    "--tls-ca-cert-file",
                    certificate().toString(),
                    "--tls-auth-clients",
                    "no"));
        }
        try {
            process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(workDir.resolve("redis.log").toFile())
                    .start();
        } catch (IOException e) {
            throw new IllegalStateException("could not run " + binary + ": " + e.getMessage(), e);
        }
        ChildProcesses.awaitAnswer(
                process,
                "redis-server",
                workDir.resolve("redis.log"),
                START_TIMEOUT,
                "PING on port " + port,
                this::answersPing);
    }

    /**
     * The command line of a redis-server in the foreground on 127.0.0.1:{@code port} that keeps
     * nothing on disk (no snapshots, no append-only file) and works in {@code dir}; options may be
     * added to it.
     */
    static List<String> commandLine(Path binary, int port, Path dir, String logLevel) {
        return new ArrayList<>(List.of(
                binary.toString(),
                "--port",
                String.valueOf(port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                dir.toString(),
                "--daemonize",
                "no",
                "--loglevel",
                logLevel));
    }

    /** Stops the process and waits for it to exit. */
    public synchronized void stop() {
        ChildProcesses.stop(process);
        process = null;
    }

    /** Deletes every key, so that test classes sharing this server start clean. */
    public void flushAll() {
        String reply = command("FLUSHALL");
        if (!reply.startsWith("+OK")) {
            throw new IllegalStateException("FLUSHALL answered " + reply);
        }
    }

    @Override
    public void close() {
        stop();
    }

    private boolean answersPing() {
        try {
            return command("PING").startsWith("+PONG");
        } catch (IllegalStateException e) {
            return false;
        }
    }

    /** Sends one inline command (after AUTH when Redis has an ACL user) and returns the first line of its reply. */
    public String command(String inline) {
        try (Socket socket = tls ? trustingCertificate().createSocket() : new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
            socket.setSoTimeout(2000);
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            if (user != null) {
                out.write(("AUTH " + user + " " + password + "\r\n").getBytes(StandardCharsets.US_ASCII));
                out.flush();
                String auth = line(in);
                if (!auth.startsWith("+OK")) {
                    return auth;
                }
            }
            out.write((inline + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            return line(in);
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("redis on port " + port + " did not answer: " + e.getMessage(), e);
        }
    }

    /** Sends one inline command without logging in, to see that Redis refuses it. */
    public String commandWithoutLogin(String inline) {
        if (user == null) {
            return command(inline);
        }
        RedisServerProcess anonymous = new RedisServerProcess(binary, port, workDir, null, null, tls);
        return anonymous.command(inline);
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        int c;
        while ((c = in.read()) != -1 && c != '\n') {
            line.append((char) c);
        }
        return line.toString().trim();
    }

    private SSLSocketFactory trustingCertificate() throws IOException, GeneralSecurityException {
        KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
        trusted.load(null, null);
        try (InputStream pem = Files.newInputStream(certificate())) {
            trusted.setCertificateEntry(
                    "redis", CertificateFactory.getInstance("X.509").generateCertificate(pem));
        }
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(trusted);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trust.getTrustManagers(), null);
        return context.getSocketFactory();
    }

    /** The executable {@code name} on the PATH, if any. */
    public static Optional<Path> findOnPath(String name) {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String dir : path.split(java.io.File.pathSeparator)) {
            Path candidate = Path.of(dir, name);
            if (Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        for (String dir : List.of("/usr/bin", "/usr/local/bin", "/usr/sbin")) {
            Path candidate = Path.of(dir, name);
            if (Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }
}
