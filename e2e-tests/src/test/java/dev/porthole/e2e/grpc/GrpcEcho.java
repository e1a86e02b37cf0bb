package dev.porthole.e2e.grpc;

import io.grpc.ChannelCredentials;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.InsecureServerCredentials;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Server;
import io.grpc.TlsChannelCredentials;
import java.io.File;
import java.io.IOException;
import java.util.Locale;

/**
 * The {@link EchoService} as a program of its own, run by GrpcIT and bench/grpc.sh: it serves the
 * service, or loads one with unary calls.
 *
 * <pre>
 * java -cp ... dev.porthole.e2e.grpc.GrpcEcho serve [PORT]
 *     serves h2c (gRPC without TLS) on 127.0.0.1:PORT (0: any free port) and prints the port
 * java -cp ... dev.porthole.e2e.grpc.GrpcEcho load HOST:PORT AUTHORITY CALLS WARMUP_S MEASURE_S [CA_FILE]
 *     keeps CALLS unary calls in flight on one channel, over TLS trusting CA_FILE if given, with
 *     AUTHORITY as :authority ("-": HOST:PORT), and prints "calls/s p50_ms p99_ms errors"
 * </pre>
 */
public final class GrpcEcho {

    private GrpcEcho() {}

    public static void main(String[] args) throws Exception {
        if (args.length >= 1 && args[0].equals("serve")) {
            serve(args.length > 1 ? Integer.parseInt(args[1]) : 0);
        } else if (args.length >= 6 && args[0].equals("load")) {
            ManagedChannel channel = channel(args[1], args[2], args.length > 6 ? new File(args[6]) : null);
            try {
                GrpcLoad.Result result = new GrpcLoad(channel, Integer.parseInt(args[3]))
                        .warmUpAndMeasure(Long.parseLong(args[4]), Long.parseLong(args[5]));
                System.out.println(String.format(
                        Locale.ROOT,
                        "%.0f %.2f %.2f %d",
                        result.callsPerSecond(),
                        result.p50Millis(),
                        result.p99Millis(),
                        result.errors()));
            } finally {
                channel.shutdownNow();
            }
        } else {
            System.err.println(
                    "usage: GrpcEcho serve [PORT] | GrpcEcho load HOST:PORT AUTHORITY CALLS WARMUP_S MEASURE_S [CA_FILE]");
            System.exit(2);
        }
    }

    private static void serve(int port) throws IOException, InterruptedException {
        Server server = Grpc.newServerBuilderForPort(port, InsecureServerCredentials.create())
                .addService(EchoService.definition())
                .build()
                .start();
        System.out.println(server.getPort());
        System.out.flush();
        server.awaitTermination();
    }

    /**
     * A channel to {@code target} (host:port): h2c with prior knowledge, or TLS (h2 by ALPN) trusting
     * {@code ca}; {@code authority} ("-" for none) is the :authority, which routes to a tunnel by
     * subdomain and is the name the TLS certificate must carry.
     */
    public static ManagedChannel channel(String target, String authority, File ca) throws IOException {
        ChannelCredentials credentials = ca == null
                ? InsecureChannelCredentials.create()
                : TlsChannelCredentials.newBuilder().trustManager(ca).build();
        ManagedChannelBuilder<?> builder = Grpc.newChannelBuilder(target, credentials);
        if (!authority.equals("-")) {
            builder.overrideAuthority(authority);
        }
        return builder.build();
    }
}
