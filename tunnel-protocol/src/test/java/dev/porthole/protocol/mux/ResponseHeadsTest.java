package dev.porthole.protocol.mux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.porthole.protocol.frame.FrameType;
import dev.porthole.protocol.message.Header;
import dev.porthole.protocol.message.HttpResponseHead;
import dev.porthole.protocol.message.ResetCode;
import dev.porthole.protocol.message.Response;
import dev.porthole.protocol.message.Rst;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Response heads that reach a gateway-side stream before its reader set a handler are kept in the
 * order they came, never merged into one: a reader must see a second head to refuse it.
 */
class ResponseHeadsTest {

    private final HandDrivenGateway gateway = new HandDrivenGateway();
    private final RecordingTransport out = gateway.out;
    private final PeerFrames peer = gateway.peer;

    private final HttpResponseHead first = new HttpResponseHead(200, "OK", List.of());
    private final HttpResponseHead second =
            new HttpResponseHead(200, "OK", List.of(new Header("X-Injected", "by-agent")));

    ResponseHeadsTest() throws Exception {}

    @AfterEach
    void close() {
        gateway.close();
    }

    @Test
    void headsThatArriveBeforeTheHandlerAreAllDeliveredInOrder() throws Exception {
        MuxStream stream = gateway.open("GET");
        peer.send(new Response(stream.id(), first));
        peer.send(new Response(stream.id(), second));
        gateway.settle();

        List<HttpResponseHead> seen = new CopyOnWriteArrayList<>();
        stream.responseHandler(seen::add);
        gateway.settle();
        assertThat(seen).containsExactly(first, second);
    }

    /**
     * A head, body, a second head and more body, all in before the reader: a reader that starts
     * reading the body when the first head comes must still see the second head before any of the
     * body, or it relays what follows the second head as the first response's body (seen in
     * HostileAgentResponseTest on a loaded machine: the frames came before the gateway's handler was
     * set, the body and its end were delivered as the first head was, and the second head never).
     */
    @Test
    void aSecondHeadIsSeenBeforeTheBodyThatCameAfterIt() throws Exception {
        MuxStream stream = gateway.open("GET");
        peer.send(new Response(stream.id(), first));
        peer.sendText(stream.id(), "first", false);
        peer.send(new Response(stream.id(), second));
        peer.sendText(stream.id(), "SMUGGLED", true);
        gateway.settle();

        List<String> seen = new CopyOnWriteArrayList<>();
        stream.session()
                .onContext(() -> stream.responseHandler(head -> {
                    seen.add("head " + head.headers());
                    if (head.equals(first)) {
                        stream.handler(body -> seen.add("body " + body));
                        stream.endHandler(end -> seen.add("end"));
                    } else {
                        stream.reset(ResetCode.STREAM_ERROR, "a second head");
                    }
                }));
        gateway.settle();
        assertThat(seen).containsExactly("head []", "head " + second.headers());
    }

    @Test
    void aPeerThatPilesUpHeadsBeforeTheHandlerHasTheStreamReset() throws Exception {
        MuxStream stream = gateway.open("GET");
        for (int i = 0; i <= ResponseHeads.MAX_UNREAD; i++) {
            peer.send(new Response(stream.id(), new HttpResponseHead(103, "Early Hints", List.of())));
        }
        await().until(() -> !out.sentMessages(FrameType.RST).isEmpty());
        Rst rst = (Rst) out.sentMessages(FrameType.RST).getFirst();
        assertThat(rst.streamId()).isEqualTo(stream.id());
        assertThat(rst.code()).isEqualTo(ResetCode.STREAM_ERROR);
        assertThat(out.closedWith)
                .as("one stream is reset, the connection lives")
                .isNull();
    }
}
