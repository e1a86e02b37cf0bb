package dev.porthole.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class RequestLinesTest {

    private final ByteArrayOutputStream written = new ByteArrayOutputStream();
    private final RequestLines lines = new RequestLines(new PrintStream(written, true, StandardCharsets.UTF_8));

    private String[] output() {
        return written.toString(StandardCharsets.UTF_8).split(System.lineSeparator());
    }

    @Test
    void linesKeepTheirOrderAndTheLogFormat() {
        lines.completed("t", "GET", "/a", 200, Duration.ofMillis(3));
        lines.completed("t", "POST", "/b?x=1", 502, Duration.ofMillis(1200));
        assertThat(written.size())
                .as("nothing is written before the batch is flushed")
                .isZero();
        lines.flush();
        assertThat(output()).hasSize(2);
        assertThat(output()[0]).matches("\\d\\d:\\d\\d:\\d\\d INFO  GET /a 200 3 ms");
        assertThat(output()[1]).matches("\\d\\d:\\d\\d:\\d\\d INFO  POST /b\\?x=1 502 1200 ms");
    }

    @Test
    void linesBeyondTheBoundAreCountedNotKept() {
        for (int i = 0; i < RequestLines.MAX_PENDING + 7; i++) {
            lines.completed("t", "GET", "/" + i, 200, Duration.ZERO);
        }
        lines.flush();
        String[] out = output();
        assertThat(out).hasSize(RequestLines.MAX_PENDING + 1);
        assertThat(out[RequestLines.MAX_PENDING - 1]).endsWith("GET /" + (RequestLines.MAX_PENDING - 1) + " 200 0 ms");
        assertThat(out[RequestLines.MAX_PENDING]).contains("WARN  7 request lines were not printed");
    }

    @Test
    void aBatchIsWrittenOnItsOwnShortlyAfterTheFirstLine() {
        lines.completed("t", "GET", "/soon", 204, Duration.ZERO);
        org.awaitility.Awaitility.await()
                .atMost(Duration.ofSeconds(5))
                .until(() -> written.toString(StandardCharsets.UTF_8).contains("GET /soon 204 0 ms"));
    }
}
