package io.tessera.server.monitoring;

/**
 * Dropwizard metric names with Prometheus labels: {@code base{key="value",...}}. Dropwizard keeps the
 * whole string as the name; {@link PrometheusText} splits it again into a metric family and its
 * labels, so one family (e.g. {@code http.requests}) can have a series per operation and method.
 * Values must come from a small, fixed set (never from a request's path or an account name): every
 * distinct value is a new series held forever.
 */
public final class MetricNames {
    private MetricNames() {
    }

    /** {@code base} with the labels given as alternating keys and values. */
    public static String tagged(String base, String... keysAndValues) {
        if (keysAndValues.length % 2 != 0) {
            throw new IllegalArgumentException("labels come in key, value pairs");
        }
        StringBuilder b = new StringBuilder(base).append('{');
        for (int i = 0; i < keysAndValues.length; i += 2) {
            if (!keysAndValues[i].matches("[a-zA-Z_][a-zA-Z0-9_]*")) {
                throw new IllegalArgumentException("not a label name: " + keysAndValues[i]);
            }
            b.append(i == 0 ? "" : ",").append(keysAndValues[i]).append("=\"")
                    .append(escape(keysAndValues[i + 1])).append('"');
        }
        return b.append('}').toString();
    }

    /** A label value as the text format writes it: backslash, double quote and line feed escaped. */
    static String escape(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }
}
