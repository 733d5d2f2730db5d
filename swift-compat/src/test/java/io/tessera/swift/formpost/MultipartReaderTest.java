package io.tessera.swift.formpost;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class MultipartReaderTest {
    private static InputStream trickle(byte[] body) {
        // one to seven bytes per read: boundaries split across reads must still be found
        return new FilterInputStream(new ByteArrayInputStream(body)) {
            private int n;

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                return super.read(b, off, Math.min(len, 1 + (n++ % 7)));
            }
        };
    }

    @Test
    void readsFieldsAndFilesPartByPart() throws Exception {
        String body = "\r\n--xyz\r\nContent-Disposition: form-data; name=\"redirect\"\r\n\r\nhttp://x/\r\n"
                + "--xyz\r\nContent-Disposition: form-data; name=\"file1\"; filename=\"a.txt\"\r\nContent-Type: text/plain\r\n\r\n"
                + "line one\r\n--xy not a boundary\r\n--xyz\r\n"
                + "Content-Disposition: form-data; name=\"empty\"\r\n\r\n\r\n--xyz--\r\n";
        MultipartReader r = new MultipartReader(trickle(body.getBytes(StandardCharsets.UTF_8)), "xyz");
        MultipartReader.Part p = r.next();
        assertThat(HeaderAttributes.parse(p.header("content-disposition")).get("name")).isEqualTo("redirect");
        assertThat(new String(p.body().readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("http://x/");
        p = r.next();
        HeaderAttributes d = HeaderAttributes.parse(p.header("content-disposition"));
        assertThat(d.value()).isEqualTo("form-data");
        assertThat(d.get("filename")).isEqualTo("a.txt");
        assertThat(p.header("content-type")).isEqualTo("text/plain");
        assertThat(new String(p.body().readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("line one\r\n--xy not a boundary");
        p = r.next();
        assertThat(p.body().readAllBytes()).isEmpty();
        assertThat(r.next()).isNull();
    }

    @Test
    void unreadPartsAreSkippedAndBadStartsRefused() throws Exception {
        String body = "--b\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n" + "x".repeat(200_000)
                + "\r\n--b\r\nContent-Disposition: form-data; name=\"c\"\r\n\r\nlast\r\n--b--";
        MultipartReader r = new MultipartReader(new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8)), "b");
        r.next();
        MultipartReader.Part p = r.next();
        assertThat(new String(p.body().readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("last");
        assertThat(r.next()).isNull();

        MultipartReader bad = new MultipartReader(new ByteArrayInputStream("nope\r\n".getBytes()), "b");
        assertThatThrownBy(bad::next).isInstanceOf(MultipartReader.InvalidStartException.class);
        MultipartReader truncated = new MultipartReader(new ByteArrayInputStream("--b\r\n\r\nno end".getBytes()), "b");
        InputStream part = truncated.next().body();
        assertThatThrownBy(part::readAllBytes).isInstanceOf(IOException.class);
    }
}
