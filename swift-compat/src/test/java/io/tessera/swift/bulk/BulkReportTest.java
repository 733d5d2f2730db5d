package io.tessera.swift.bulk;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BulkReportTest {
    private final Map<String, Object> values = new LinkedHashMap<>(Map.of("Response Status", "400 Bad Request",
            "Number Deleted", 2, "Response Body", ""));
    private final List<List<String>> errors = List.of(List.of("/c/a%20b", "409 Conflict"));

    private String body(String format) {
        return new String(BulkReport.body(format, values, errors, "delete"), StandardCharsets.UTF_8);
    }

    @Test
    void textIsSortedKeysThenErrors() {
        assertThat(body("text/plain")).isEqualTo("Number Deleted: 2\nResponse Body: \nResponse Status: 400 Bad Request\n"
                + "Errors:\n/c/a%20b, 409 Conflict\n");
    }

    @Test
    void xmlAndJson() {
        assertThat(body("application/xml")).isEqualTo("<delete>\n<number_deleted>2</number_deleted>\n<response_body></response_body>\n"
                + "<response_status>400 Bad Request</response_status>\n<errors>\n<object><name>/c/a%20b</name>"
                + "<status>409 Conflict</status></object>\n</errors>\n</delete>\n");
        assertThat(body("application/json")).contains("\"Number Deleted\":2", "\"Errors\":[[\"/c/a%20b\",\"409 Conflict\"]]");
    }

    @Test
    void acceptNegotiation() {
        assertThat(BulkReport.negotiate(null)).isEqualTo("text/plain");
        assertThat(BulkReport.negotiate("*/*")).isEqualTo("text/plain");
        assertThat(BulkReport.negotiate("application/json")).isEqualTo("application/json");
        assertThat(BulkReport.negotiate("text/xml;q=0.5, application/json;q=0.9")).isEqualTo("application/json");
        assertThat(BulkReport.negotiate("application/*")).isEqualTo("application/json");
        assertThat(BulkReport.negotiate("image/png")).isNull();
    }

    @Test
    void pathsAreQuotedAndUnquotedAsPythonDoes() {
        assertThat(PathQuote.quote("/c/a b/é")).isEqualTo("/c/a%20b/%C3%A9");
        assertThat(PathQuote.unquote("/c/a%20b/%C3%A9+".getBytes(StandardCharsets.US_ASCII))).isEqualTo("/c/a b/é+");
        assertThat(PathQuote.unquote("/c/%FF".getBytes(StandardCharsets.US_ASCII))).isNull();
    }
}
