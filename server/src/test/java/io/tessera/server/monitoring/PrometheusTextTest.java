package io.tessera.server.monitoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.codahale.metrics.Gauge;
import com.codahale.metrics.MetricRegistry;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class PrometheusTextTest {
    @Test
    void eachKindOfMetricIsWrittenAsItsPrometheusType() {
        MetricRegistry r = new MetricRegistry();
        r.counter("content.blocks.corrupt").inc(3);
        r.meter("tessera.store.cassandra.blocks.put").mark(5);
        r.timer(MetricNames.tagged("http.requests", "operation", "object", "method", "GET")).update(2, TimeUnit.MILLISECONDS);
        r.timer(MetricNames.tagged("http.requests", "operation", "account", "method", "HEAD")).update(500, TimeUnit.MICROSECONDS);
        r.histogram("sizes").update(7);
        r.gauge("nbd.connections", () -> (Gauge<Integer>) () -> 2);
        r.gauge("not.a.number", () -> (Gauge<String>) () -> "text");

        String text = PrometheusText.render(r);

        assertThat(text).isEqualTo("""
                # HELP tessera_content_blocks_corrupt_total content.blocks.corrupt
                # TYPE tessera_content_blocks_corrupt_total counter
                tessera_content_blocks_corrupt_total 3
                # HELP tessera_http_requests_seconds http.requests (seconds)
                # TYPE tessera_http_requests_seconds summary
                tessera_http_requests_seconds{operation="account",method="HEAD",quantile="0.5"} 5.0E-4
                tessera_http_requests_seconds{operation="account",method="HEAD",quantile="0.75"} 5.0E-4
                tessera_http_requests_seconds{operation="account",method="HEAD",quantile="0.95"} 5.0E-4
                tessera_http_requests_seconds{operation="account",method="HEAD",quantile="0.99"} 5.0E-4
                tessera_http_requests_seconds{operation="account",method="HEAD",quantile="0.999"} 5.0E-4
                tessera_http_requests_seconds_count{operation="account",method="HEAD"} 1
                tessera_http_requests_seconds{operation="object",method="GET",quantile="0.5"} 0.002
                tessera_http_requests_seconds{operation="object",method="GET",quantile="0.75"} 0.002
                tessera_http_requests_seconds{operation="object",method="GET",quantile="0.95"} 0.002
                tessera_http_requests_seconds{operation="object",method="GET",quantile="0.99"} 0.002
                tessera_http_requests_seconds{operation="object",method="GET",quantile="0.999"} 0.002
                tessera_http_requests_seconds_count{operation="object",method="GET"} 1
                # HELP tessera_nbd_connections nbd.connections
                # TYPE tessera_nbd_connections gauge
                tessera_nbd_connections 2
                # HELP tessera_sizes sizes
                # TYPE tessera_sizes summary
                tessera_sizes{quantile="0.5"} 7
                tessera_sizes{quantile="0.75"} 7
                tessera_sizes{quantile="0.95"} 7
                tessera_sizes{quantile="0.99"} 7
                tessera_sizes{quantile="0.999"} 7
                tessera_sizes_count 1
                # HELP tessera_store_cassandra_blocks_put_total tessera.store.cassandra.blocks.put
                # TYPE tessera_store_cassandra_blocks_put_total counter
                tessera_store_cassandra_blocks_put_total 5
                """);
    }

    @Test
    void labelValuesAreEscapedAndLabelNamesChecked() {
        assertThat(MetricNames.tagged("x", "k", "a\"b\\c\nd")).isEqualTo("x{k=\"a\\\"b\\\\c\\nd\"}");
        assertThatThrownBy(() -> MetricNames.tagged("x", "bad-name", "v")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> MetricNames.tagged("x", "odd")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void numbersAreWrittenAsPrometheusParsesThem() {
        assertThat(PrometheusText.format(42)).isEqualTo("42");
        assertThat(PrometheusText.format(0.25)).isEqualTo("0.25");
        assertThat(PrometheusText.format(Double.NaN)).isEqualTo("NaN");
        assertThat(PrometheusText.format(Double.POSITIVE_INFINITY)).isEqualTo("+Inf");
    }
}
