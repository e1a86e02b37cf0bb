package dev.porthole.e2e.grpc;

import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.MethodDescriptor.MethodType;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.StringJoiner;

/**
 * A gRPC service written for the tests, one method per call type, defined without protoc: its
 * messages are UTF-8 strings. Both sides use these descriptors: {@link GrpcEcho} serves them, GrpcIT
 * and the load mode call them.
 *
 * <ul>
 *   <li>{@code Say} (unary): {@code "hello " + request}; a request {@code "fail:REASON"} fails with
 *       INVALID_ARGUMENT, the description {@code "refused: REASON"} and the trailer {@link #DETAIL}.
 *   <li>{@code Count} (server streaming): {@code "N"} answers {@code "1"} to {@code "N"}; {@code "N!"}
 *       then fails with ABORTED, so the status arrives after the messages.
 *   <li>{@code Join} (client streaming): every request joined with commas, once the client is done.
 *   <li>{@code Shout} (bidirectional): each request in upper case as soon as it arrives.
 * </ul>
 */
public final class EchoService {

    public static final String NAME = "porthole.test.Echo";

    /** A custom trailer the service sets on a refused call. */
    public static final Metadata.Key<String> DETAIL = Metadata.Key.of("echo-detail", Metadata.ASCII_STRING_MARSHALLER);

    public static final MethodDescriptor<String, String> SAY = method("Say", MethodType.UNARY);
    public static final MethodDescriptor<String, String> COUNT = method("Count", MethodType.SERVER_STREAMING);
    public static final MethodDescriptor<String, String> JOIN = method("Join", MethodType.CLIENT_STREAMING);
    public static final MethodDescriptor<String, String> SHOUT = method("Shout", MethodType.BIDI_STREAMING);

    private EchoService() {}

    /** The service's implementation, to add to a server. */
    public static ServerServiceDefinition definition() {
        return ServerServiceDefinition.builder(NAME)
                .addMethod(SAY, ServerCalls.asyncUnaryCall(EchoService::say))
                .addMethod(COUNT, ServerCalls.asyncServerStreamingCall(EchoService::count))
                .addMethod(JOIN, ServerCalls.asyncClientStreamingCall(EchoService::join))
                .addMethod(SHOUT, ServerCalls.asyncBidiStreamingCall(EchoService::shout))
                .build();
    }

    private static void say(String request, StreamObserver<String> response) {
        if (request.startsWith("fail:")) {
            Metadata trailers = new Metadata();
            trailers.put(DETAIL, "reason=" + request.substring("fail:".length()));
            response.onError(Status.INVALID_ARGUMENT
                    .withDescription("refused: " + request.substring("fail:".length()))
                    .asRuntimeException(trailers));
            return;
        }
        response.onNext("hello " + request);
        response.onCompleted();
    }

    private static void count(String request, StreamObserver<String> response) {
        boolean abort = request.endsWith("!");
        int count = Integer.parseInt(abort ? request.substring(0, request.length() - 1) : request);
        for (int i = 1; i <= count; i++) {
            response.onNext(String.valueOf(i));
        }
        if (abort) {
            response.onError(
                    Status.ABORTED.withDescription("stopped after " + count).asRuntimeException());
        } else {
            response.onCompleted();
        }
    }

    private static StreamObserver<String> join(StreamObserver<String> response) {
        StringJoiner joined = new StringJoiner(",");
        return new StreamObserver<>() {
            @Override
            public void onNext(String value) {
                joined.add(value);
            }

            @Override
            public void onError(Throwable t) {
                // The client cancelled: nothing to answer.
            }

            @Override
            public void onCompleted() {
                response.onNext(joined.toString());
                response.onCompleted();
            }
        };
    }

    private static StreamObserver<String> shout(StreamObserver<String> response) {
        return new StreamObserver<>() {
            @Override
            public void onNext(String value) {
                response.onNext(value.toUpperCase(java.util.Locale.ROOT));
            }

            @Override
            public void onError(Throwable t) {
                // The client cancelled: nothing to answer.
            }

            @Override
            public void onCompleted() {
                response.onCompleted();
            }
        };
    }

    private static MethodDescriptor<String, String> method(String name, MethodType type) {
        return MethodDescriptor.<String, String>newBuilder()
                .setType(type)
                .setFullMethodName(MethodDescriptor.generateFullMethodName(NAME, name))
                .setRequestMarshaller(Utf8.INSTANCE)
                .setResponseMarshaller(Utf8.INSTANCE)
                .build();
    }

    /** Messages as UTF-8 text, so that no generated code is needed. */
    private enum Utf8 implements MethodDescriptor.Marshaller<String> {
        INSTANCE;

        @Override
        public InputStream stream(String value) {
            return new ByteArrayInputStream(value.getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public String parse(InputStream stream) {
            try {
                return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
