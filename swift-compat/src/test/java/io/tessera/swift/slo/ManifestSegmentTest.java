package io.tessera.swift.slo;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class ManifestSegmentTest {
    private final ManifestSegment whole = new ManifestSegment("/c/a", 10, "e1", "text/plain", "2024-01-01T00:00:00.000000",
            null, false, null);
    private final ManifestSegment ranged = new ManifestSegment("/c/b/x", 10, "e2", "text/plain",
            "2024-01-01T00:00:00.000000", "2-4", true, null);
    private final ManifestSegment data = ManifestSegment.inline("XYZ".getBytes());

    @Test
    void storedFormRoundTrips() {
        List<ManifestSegment> back = ManifestSegment.fromJson(ManifestSegment.toJson(List.of(whole, ranged, data)));
        assertThat(back.get(0)).isEqualTo(whole);
        assertThat(back.get(1)).isEqualTo(ranged);
        assertThat(back.get(2).data()).isEqualTo("XYZ".getBytes());
        assertThat(back.get(1).container()).isEqualTo("c");
        assertThat(back.get(1).object()).isEqualTo("b/x");
    }

    @Test
    void lengthsAndEtagPartsFollowSwift() {
        assertThat(whole.length()).isEqualTo(10);
        assertThat(ranged.length()).isEqualTo(3);
        assertThat(data.length()).isEqualTo(3);
        assertThat(whole.etagPart()).isEqualTo("e1");
        assertThat(ranged.etagPart()).isEqualTo("e2:2-4;");
        assertThat(data.etagPart()).isEqualTo(Md5.hex("XYZ".getBytes()));
    }

    @Test
    void rawFormIsWhatAPutTakes() {
        String raw = new String(ManifestSegment.toRawJson(List.of(whole, ranged)), StandardCharsets.UTF_8);
        assertThat(raw).isEqualTo("[{\"etag\":\"e1\",\"path\":\"/c/a\",\"size_bytes\":10},"
                + "{\"etag\":\"e2\",\"path\":\"/c/b/x\",\"range\":\"2-4\",\"size_bytes\":10}]");
        assertThat(ManifestInput.parse(raw.getBytes(StandardCharsets.UTF_8), "c", "m")).hasSize(2);
    }
}
