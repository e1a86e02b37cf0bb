package dev.porthole.agent.inspect;

import static org.assertj.core.api.Assertions.assertThat;

import dev.porthole.agent.inspect.BodyView.FormField;
import dev.porthole.agent.inspect.BodyView.Kind;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class BodyViewTest {

    private static BodyCapture captured(byte[] bytes, int cap) {
        BodyCapture capture = new BodyCapture(cap);
        capture.append(Buffer.buffer(bytes));
        return capture;
    }

    private static BodyCapture captured(String text) {
        return captured(text.getBytes(StandardCharsets.UTF_8), 1024);
    }

    @Test
    void prettyPrintsJson() {
        BodyView view = BodyView.of(
                "application/json; charset=utf-8", null, captured("{\"event\":\"push\",\"commits\":[1,2]}"));
        assertThat(view.kind()).isEqualTo(Kind.JSON);
        assertThat(view.text()).isEqualTo("""
                {
                  "event" : "push",
                  "commits" : [ 1, 2 ]
                }""");
        assertThat(view.truncated()).isFalse();
    }

    @Test
    void recognisesVendorJsonTypes() {
        assertThat(BodyView.of("application/vnd.github+json", null, captured("[]"))
                        .kind())
                .isEqualTo(Kind.JSON);
    }

    @Test
    void showsInvalidJsonAsTextAndSaysSo() {
        BodyView view = BodyView.of("application/json", null, captured("{oops"));
        assertThat(view.kind()).isEqualTo(Kind.TEXT);
        assertThat(view.text()).isEqualTo("{oops");
        assertThat(view.note()).isEqualTo("not valid JSON, shown as text");
    }

    @Test
    void showsJsonCutAtTheCapAsTextWithTheCapAndTheRealSize() {
        BodyView view = BodyView.of(
                "application/json", null, captured("{\"a\":\"0123456789\"}".getBytes(StandardCharsets.UTF_8), 8));
        assertThat(view.kind()).isEqualTo(Kind.TEXT);
        assertThat(view.text()).isEqualTo("{\"a\":\"01");
        assertThat(view.truncated()).isTrue();
        assertThat(view.cap()).isEqualTo(8);
        assertThat(view.capturedBytes()).isEqualTo(8);
        assertThat(view.totalBytes()).isEqualTo(18);
    }

    @Test
    void decodesAFormIntoFieldsInOrder() {
        BodyView view = BodyView.of(
                "application/x-www-form-urlencoded", null, captured("name=J%C3%BCrgen+K&tag=a&tag=b&empty="));
        assertThat(view.kind()).isEqualTo(Kind.FORM);
        assertThat(view.fields())
                .containsExactly(
                        new FormField("name", "Jürgen K"),
                        new FormField("tag", "a"),
                        new FormField("tag", "b"),
                        new FormField("empty", ""));
    }

    @Test
    void showsTextInItsCharset() {
        byte[] latin1 = "café".getBytes(StandardCharsets.ISO_8859_1);
        BodyView view = BodyView.of("text/plain; charset=ISO-8859-1", null, captured(latin1, 100));
        assertThat(view.kind()).isEqualTo(Kind.TEXT);
        assertThat(view.text()).isEqualTo("café");
    }

    @Test
    void letsGoOfACharacterCutInHalfByTheCap() {
        byte[] bytes = "ab€".getBytes(StandardCharsets.UTF_8);
        BodyView view = BodyView.of("text/plain", null, captured(bytes, 4));
        assertThat(view.kind()).isEqualTo(Kind.TEXT);
        assertThat(view.text()).isEqualTo("ab");
    }

    @Test
    void showsBinaryAsSizeAndHexHead() {
        byte[] png = new byte[1000];
        png[0] = (byte) 0x89;
        png[1] = 'P';
        png[2] = 'N';
        png[3] = 'G';
        BodyView view = BodyView.of("image/png", null, captured(png, 512));
        assertThat(view.kind()).isEqualTo(Kind.BINARY);
        assertThat(view.totalBytes()).isEqualTo(1000);
        assertThat(view.hexLength()).isEqualTo(BodyView.HEX_HEAD_BYTES);
        assertThat(view.hexHead()).contains("89 50 4e 47").contains(".PNG");
        assertThat(view.text()).isEmpty();
    }

    @Test
    void treatsUndeclaredBytesThatAreNotTextAsBinary() {
        assertThat(BodyView.of(null, null, captured(new byte[] {0, 1, 2, (byte) 0xff}, 10))
                        .kind())
                .isEqualTo(Kind.BINARY);
        assertThat(BodyView.of(null, null, captured("plain words")).kind()).isEqualTo(Kind.TEXT);
    }

    @Test
    void showsACompressedBodyAsBinaryNamingTheEncoding() {
        BodyView view = BodyView.of("application/json", "gzip", captured(new byte[] {0x1f, (byte) 0x8b, 8, 0}, 10));
        assertThat(view.kind()).isEqualTo(Kind.BINARY);
        assertThat(view.note()).isEqualTo("gzip-encoded");
    }

    @Test
    void anEmptyBodyIsEmpty() {
        assertThat(BodyView.of("application/json", null, new BodyCapture(10)).kind())
                .isEqualTo(Kind.EMPTY);
    }
}
