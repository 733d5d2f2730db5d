package io.tessera.server.monitoring;

import com.codahale.metrics.Counter;
import com.codahale.metrics.Gauge;
import com.codahale.metrics.Histogram;
import com.codahale.metrics.Meter;
import com.codahale.metrics.Metric;
import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.Snapshot;
import com.codahale.metrics.Timer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * A {@link MetricRegistry} in the Prometheus text exposition format, version 0.0.4 (what every
 * Prometheus server and agent scrapes): {@code # TYPE} once per family, then one line per series.
 *
 * <p>Written here rather than through io.prometheus' simpleclient_dropwizard: that bridge flattens
 * every Dropwizard name into a metric name (no labels without a mapping configuration of its own) and
 * pulls in the client library; the format itself is a few lines of text. Mapping:
 * <ul>
 *   <li>names: {@code tessera_} + the Dropwizard name (a leading {@code tessera.} dropped) with every
 *       character outside {@code [a-zA-Z0-9_]} turned into {@code _}; labels come from names built by
 *       {@link MetricNames#tagged};</li>
 *   <li>Counter and Meter: a counter, {@code <name>_total} (a Meter's rates are for Prometheus to
 *       compute: {@code rate(x_total[1m])});</li>
 *   <li>Gauge: a gauge (numbers and booleans only; other gauges are left out);</li>
 *   <li>Timer: a summary in seconds, {@code <name>_seconds{quantile=...}} and {@code _count};
 *       Histogram: a summary of its values. Dropwizard keeps no sum, so there is no {@code _sum}; the
 *       quantiles are those of its reservoir (about the last five minutes).</li>
 * </ul>
 */
public final class PrometheusText {
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
    private static final double[] QUANTILES = {0.5, 0.75, 0.95, 0.99, 0.999};
    private static final double NANOS_PER_SECOND = TimeUnit.SECONDS.toNanos(1);

    private PrometheusText() {
    }

    public static String render(MetricRegistry registry) {
        Map<String, Family> families = new TreeMap<>();
        // sorted by name, so the series of a family come in label order
        new TreeMap<>(registry.getMetrics()).forEach((name, metric) -> add(families, name, metric));
        StringBuilder out = new StringBuilder(8192);
        for (Family f : families.values()) {
            out.append("# HELP ").append(f.name).append(' ').append(f.help).append('\n');
            out.append("# TYPE ").append(f.name).append(' ').append(f.type).append('\n');
            f.lines.forEach(line -> out.append(line).append('\n'));
        }
        return out.toString();
    }

    private static void add(Map<String, Family> families, String dropwizardName, Metric metric) {
        int brace = dropwizardName.indexOf('{');
        String base = brace < 0 ? dropwizardName : dropwizardName.substring(0, brace);
        String labels = brace < 0 ? "" : dropwizardName.substring(brace + 1, dropwizardName.length() - 1);
        String name = promName(base);
        if (metric instanceof Counter c) {
            family(families, name + "_total", "counter", base).sample(name + "_total", labels, null, c.getCount());
        } else if (metric instanceof Meter m) {
            family(families, name + "_total", "counter", base).sample(name + "_total", labels, null, m.getCount());
        } else if (metric instanceof Timer t) {
            summary(family(families, name + "_seconds", "summary", base + " (seconds)"), name + "_seconds", labels,
                    t.getSnapshot(), NANOS_PER_SECOND, t.getCount());
        } else if (metric instanceof Histogram h) {
            summary(family(families, name, "summary", base), name, labels, h.getSnapshot(), 1, h.getCount());
        } else if (metric instanceof Gauge<?> g) {
            Object v = g.getValue();
            if (v instanceof Number n) {
                family(families, name, "gauge", base).sample(name, labels, null, n.doubleValue());
            } else if (v instanceof Boolean b) {
                family(families, name, "gauge", base).sample(name, labels, null, b ? 1 : 0);
            }
        }
    }

    private static void summary(Family f, String name, String labels, Snapshot s, double divisor, long count) {
        for (double q : QUANTILES) {
            f.sample(name, labels, "quantile=\"" + q + "\"", s.getValue(q) / divisor);
        }
        f.sample(name + "_count", labels, null, count);
    }

    private static Family family(Map<String, Family> families, String name, String type, String help) {
        Family f = families.computeIfAbsent(name, n -> new Family(n, type, help));
        if (!f.type.equals(type)) {
            // Two Dropwizard metrics of different kinds map to one name: keep the first, never emit a mix.
            return new Family(name, type, help);
        }
        return f;
    }

    static String promName(String dropwizardBase) {
        String n = dropwizardBase.startsWith("tessera.") ? dropwizardBase.substring("tessera.".length()) : dropwizardBase;
        return "tessera_" + n.replaceAll("[^a-zA-Z0-9_]", "_");
    }

    private static final class Family {
        final String name;
        final String type;
        final String help;
        final List<String> lines = new ArrayList<>();

        Family(String name, String type, String help) {
            this.name = name;
            this.type = type;
            this.help = help.replace("\\", "\\\\").replace("\n", "\\n");
        }

        void sample(String sampleName, String labels, String extraLabel, double value) {
            StringBuilder b = new StringBuilder(sampleName);
            if (!labels.isEmpty() || extraLabel != null) {
                b.append('{').append(labels);
                if (extraLabel != null) {
                    b.append(labels.isEmpty() ? "" : ",").append(extraLabel);
                }
                b.append('}');
            }
            lines.add(b.append(' ').append(format(value)).toString());
        }
    }

    static String format(double v) {
        if (Double.isNaN(v)) {
            return "NaN";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "+Inf" : "-Inf";
        }
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        return Double.toString(v);
    }
}
