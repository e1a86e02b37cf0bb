package dev.porthole.agent.inspect;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class BodyCaptureTest {

    @Test
    void keepsOnlyUpToTheCapButCountsEveryByte() {
        BodyCapture capture = new BodyCapture(10);
        capture.append(Buffer.buffer("0123456"));
        capture.append(Buffer.buffer("789abcdef"));
        capture.append(Buffer.buffer(new byte[1_000_000]));
        assertThat(new String(capture.bytes(), StandardCharsets.US_ASCII)).isEqualTo("0123456789");
        assertThat(capture.keptBytes()).isEqualTo(10);
        assertThat(capture.totalBytes()).isEqualTo(7 + 9 + 1_000_000);
        assertThat(capture.truncated()).isTrue();
    }

    @Test
    void aBodyExactlyAtTheCapIsNotTruncated() {
        BodyCapture capture = new BodyCapture(4);
        capture.append(Buffer.buffer("abcd"));
        assertThat(capture.truncated()).isFalse();
        assertThat(capture.bytes()).hasSize(4);
    }

    @Test
    void aZeroCapKeepsNothingButStillCounts() {
        BodyCapture capture = new BodyCapture(0);
        capture.append(Buffer.buffer("hello"));
        assertThat(capture.bytes()).isEmpty();
        assertThat(capture.totalBytes()).isEqualTo(5);
        assertThat(capture.truncated()).isTrue();
    }

    @Test
    void keepsACopySoTheRelayMayReuseItsBuffer() {
        BodyCapture capture = new BodyCapture(16);
        Buffer chunk = Buffer.buffer("original");
        capture.append(chunk);
        chunk.setString(0, "CHANGED!");
        assertThat(new String(capture.bytes(), StandardCharsets.US_ASCII)).isEqualTo("original");
    }
}
