package io.tessera.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One scrape of {@code /metrics}, checked against the Prometheus text format 0.0.4 as it is parsed:
 * every line a comment or {@code name[{labels}] value}, every sample under a {@code # TYPE} declared
 * before it (exactly once per family, families not interleaved), label values quoted and escaped.
 */
final class Scrape {
    private static final Pattern SAMPLE = Pattern.compile(
            "([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(?:[a-zA-Z_][a-zA-Z0-9_]*=\"(?:[^\"\\\\\\n]|\\\\[\\\\\"n])*\",?)*})? (\\S+)");
    private static final Pattern TYPE = Pattern.compile("# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|summary|histogram|untyped)");

    private final Map<String, Double> samples = new HashMap<>();
    final String text;

    private Scrape(String text) {
        this.text = text;
        Set<String> declared = new HashSet<>();
        String family = null;
        for (String line : text.split("\n")) {
            if (line.startsWith("# HELP ")) {
                continue;
            }
            Matcher t = TYPE.matcher(line);
            if (t.matches()) {
                assertThat(declared.add(t.group(1))).as("TYPE declared once: " + line).isTrue();
                family = t.group(1);
                continue;
            }
            Matcher m = SAMPLE.matcher(line);
            assertThat(m.matches()).as("a sample line: " + line).isTrue();
            String name = m.group(1);
            assertThat(family).as("a sample under its family's TYPE: " + line).isNotNull();
            assertThat(name.equals(family) || name.equals(family + "_count") || name.equals(family + "_sum"))
                    .as(line + " belongs to the family " + family).isTrue();
            double value = switch (m.group(3)) {
                case "+Inf" -> Double.POSITIVE_INFINITY;
                case "-Inf" -> Double.NEGATIVE_INFINITY;
                default -> Double.parseDouble(m.group(3));
            };
            samples.put(name + (m.group(2) == null ? "" : m.group(2)), value);
        }
        assertThat(text).endsWith("\n");
    }

    static Scrape of(SwiftHttp http) throws Exception {
        HttpResponse<byte[]> r = http.send("GET", "/metrics");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).contains("text/plain; version=0.0.4; charset=utf-8");
        return new Scrape(new String(r.body(), StandardCharsets.UTF_8));
    }

    /**
     * Scrapes until {@code done} holds (5 s at most): a request is counted when its exchange completes on
     * the server, which may be just after the client has read the reply.
     */
    static Scrape until(SwiftHttp http, java.util.function.Predicate<Scrape> done) throws Exception {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(5);
        Scrape s = of(http);
        while (!done.test(s) && System.nanoTime() < deadline) {
            Thread.sleep(20);
            s = of(http);
        }
        return s;
    }

    /** The sample's value, 0 if the series does not exist (yet). {@code series}: name and labels as written. */
    double get(String series) {
        return samples.getOrDefault(series, 0.0);
    }

    boolean has(String series) {
        return samples.containsKey(series);
    }
}
