package io.tessera.swift.slo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tessera.swift.errors.SwiftException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class ManifestInputTest {
    private static List<ManifestInput.Entry> parse(String json) {
        return ManifestInput.parse(json.getBytes(StandardCharsets.UTF_8), "c", "manifest");
    }

    private static String problems(String json) {
        try {
            parse(json);
        } catch (SwiftException e) {
            assertThat(e.error().code()).isEqualTo(400);
            return e.getMessage();
        }
        throw new AssertionError("expected a 400 for " + json);
    }

    @Test
    void acceptsPathEntriesWithOptionalChecksAndInlineData() {
        List<ManifestInput.Entry> entries = parse("""
                [{"path": "/c/a", "etag": "abc", "size_bytes": "12", "range": "1-5"},
                 {"path": "c/b", "etag": null, "size_bytes": null},
                 {"data": "WFla"}]""");
        assertThat(entries).hasSize(3);
        assertThat(entries.get(0).sizeBytes()).isEqualTo(12L);
        assertThat(entries.get(0).range()).isEqualTo(new SegmentRange(1, 5));
        assertThat(entries.get(1).etag()).isNull();
        assertThat(entries.get(2).data()).isEqualTo("XYZ".getBytes());
    }

    @Test
    void reportsEveryBadEntryWithItsIndex() {
        String message = problems("""
                [{"path": "/c/a", "teag": "x"}, 5, {"path": "/c"}, {"path": "/c/manifest"},
                 {"path": "/c/a", "range": "9-1"}, {"path": "/c/a", "range": "1-2,4-5"},
                 {"path": "/c/a", "size_bytes": 10, "range": "20-"}, {"path": "/c/a", "size_bytes": 0},
                 {"data": "!!"}, {"path": "/c/last", "size_bytes": 0}]""");
        assertThat(message).contains(
                "Index 0: extraneous keys \"teag\"", "Index 1: not a JSON object",
                "Index 2: path does not refer to an object", "Index 3: manifest must not include itself as a segment",
                "Index 4: invalid range", "Index 5: multiple ranges (only one allowed)", "Index 6: unsatisfiable range",
                "Index 7: too small; each segment must be at least 1 byte.", "Index 8: data must be valid base64")
                .doesNotContain("Index 9");
    }

    @Test
    void refusesWhatIsNotAListOrHasOnlyData() {
        assertThat(problems("{}")).isEqualTo("Manifest must be a list.\n");
        assertThat(problems("[")).isEqualTo("Manifest must be valid JSON.\n");
        assertThat(problems("[{\"data\": \"WFla\"}]")).contains("require at least one object-backed segment");
        assertThatThrownBy(() -> parse("[{\"path\": 7}]")).isInstanceOf(SwiftException.class);
    }

    @Test
    void segmentRangesResolveAgainstTheSegmentLength() {
        assertThat(SegmentRange.parse("-3").get(0).resolve(10)).containsExactly(7, 9);
        assertThat(SegmentRange.parse("5-").get(0).resolve(10)).containsExactly(5, 9);
        assertThat(SegmentRange.parse("5-100").get(0).resolve(10)).containsExactly(5, 9);
        assertThat(SegmentRange.parse("10-").get(0).resolve(10)).isNull();
        assertThat(SegmentRange.parse("-0").get(0).resolve(10)).isNull();
    }
}
