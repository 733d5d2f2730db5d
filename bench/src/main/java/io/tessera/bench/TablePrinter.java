package io.tessera.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * Reads RESULT lines back (from the files run.sh collected) and prints a Markdown table of medians
 * per metric and target, the ratio subject/peer, and one line for each place where the subject is
 * behind a peer or below the hashing limit. A cell with any failed verification shows INVALID.
 */
@Command(name = "table", description = "medians and ratios of RESULT lines")
public final class TablePrinter implements Callable<Integer> {
    @Parameters(arity = "1..*", description = "files holding RESULT lines")
    List<Path> files;

    @Option(names = "--subject", defaultValue = "tessera", description = "the server compared to the others (default ${DEFAULT-VALUE})")
    String subject;

    @Option(names = "--limits", defaultValue = "jvm", description = "target label of the hashing limits (default ${DEFAULT-VALUE})")
    String limits;

    /** All rounds of one metric on one target. */
    static final class Cell {
        final List<Double> values = new ArrayList<>();
        boolean invalid;

        double median() {
            List<Double> v = new ArrayList<>(values);
            v.sort(null);
            int n = v.size();
            return n % 2 == 1 ? v.get(n / 2) : (v.get(n / 2 - 1) + v.get(n / 2)) / 2;
        }

        boolean usable() {
            return !invalid && !values.isEmpty();
        }
    }

    record Metric(String name, String unit, String better, Map<String, Cell> cells) {
    }

    @Override
    public Integer call() throws Exception {
        Map<String, Metric> metrics = new LinkedHashMap<>();
        Set<String> targets = new LinkedHashSet<>();
        targets.add(subject);
        List<String> failures = new ArrayList<>();
        for (Path f : files) {
            for (String line : Files.readAllLines(f)) {
                if (line.startsWith("# FAILED")) {
                    failures.add(line.substring(2));
                }
                if (!line.startsWith("RESULT ")) {
                    continue;
                }
                Map<String, String> kv = new HashMap<>();
                for (String tok : line.substring(7).trim().split("\\s+")) {
                    int eq = tok.indexOf('=');
                    if (eq > 0) {
                        kv.put(tok.substring(0, eq), tok.substring(eq + 1));
                    }
                }
                String target = kv.get("target");
                targets.add(target);
                Metric m = metrics.computeIfAbsent(kv.get("metric"),
                        k -> new Metric(k, kv.get("unit"), kv.get("better"), new HashMap<>()));
                Cell c = m.cells.computeIfAbsent(target, k -> new Cell());
                c.values.add(Double.parseDouble(kv.get("value")));
                c.invalid |= !"true".equals(kv.get("valid"));
            }
        }
        targets.remove(limits);
        List<String> peers = new ArrayList<>(targets);
        peers.remove(subject);

        StringBuilder head = new StringBuilder("| metric | unit |");
        StringBuilder rule = new StringBuilder("| --- | --- |");
        for (String t : targets) {
            head.append(' ').append(t).append(" |");
            rule.append(" ---: |");
        }
        for (String p : peers) {
            head.append(' ').append(subject).append('/').append(p).append(" |");
            rule.append(" ---: |");
        }
        System.out.println(head);
        System.out.println(rule);
        List<String> verdicts = new ArrayList<>();
        for (Metric m : metrics.values()) {
            if (m.cells.keySet().equals(Set.of(limits))) {
                continue;
            }
            StringBuilder row = new StringBuilder("| " + m.name + " | " + m.unit + " |");
            for (String t : targets) {
                row.append(' ').append(cell(m.cells.get(t), t.equals(subject))).append(" |");
            }
            Cell s = m.cells.get(subject);
            for (String p : peers) {
                Cell c = m.cells.get(p);
                boolean both = s != null && s.usable() && c != null && c.usable() && c.median() != 0;
                row.append(' ').append(both ? fmtRatio(s.median() / c.median()) : "").append(" |");
                if (both && behind(m.better, s.median(), c.median())) {
                    verdicts.add(String.format(Locale.ROOT, "BEHIND: %s %s = %s %s, %s = %s %s (ratio %s; %s is better)",
                            subject, m.name, fmt(s.median()), m.unit, p, fmt(c.median()), m.unit,
                            fmtRatio(s.median() / c.median()), m.better));
                }
            }
            System.out.println(row);
        }

        Metric md5 = metrics.get("limit.md5");
        if (md5 != null && md5.cells.containsKey(limits)) {
            System.out.println();
            System.out.println("| hashing limit (" + limits + ", one core) | unit | median |");
            System.out.println("| --- | --- | ---: |");
            for (Metric m : metrics.values()) {
                if (m.name.startsWith("limit.") && m.cells.containsKey(limits)) {
                    System.out.println("| " + m.name + " | " + m.unit + " | " + cell(m.cells.get(limits), false) + " |");
                }
            }
            double ceiling = md5.cells.get(limits).median();
            for (Metric m : metrics.values()) {
                Cell s = m.cells.get(subject);
                if (m.name.contains(".put") && "MB/s".equals(m.unit) && s != null && s.usable() && s.median() < ceiling) {
                    verdicts.add(String.format(Locale.ROOT, "BELOW HASHING LIMIT: %s %s = %s MB/s = %.0f%% of MD5 on one core (%s MB/s)",
                            subject, m.name, fmt(s.median()), 100 * s.median() / ceiling, fmt(ceiling)));
                }
            }
        }
        Set<String> invalid = new LinkedHashSet<>(); // one line per measurement, not per p50/p99/rss row
        for (Metric m : metrics.values()) {
            m.cells.forEach((t, c) -> {
                if (c.invalid) {
                    invalid.add("INVALID: " + t + " " + m.name.replaceAll("\\.(p50|p99|max|rss|physical|logical|ratio|put)$", "")
                            + " failed verification in at least one round");
                }
            });
        }
        verdicts.addAll(invalid);
        if (!metrics.isEmpty() && metrics.values().stream().noneMatch(m -> m.cells.containsKey(subject))) {
            verdicts.add("PENDING: no " + subject + " results in these files");
        }
        verdicts.addAll(failures);
        System.out.println();
        verdicts.forEach(System.out::println);
        return 0;
    }

    private static boolean behind(String better, double subject, double peer) {
        return "higher".equals(better) ? subject < peer : "lower".equals(better) && subject > peer;
    }

    private String cell(Cell c, boolean isSubject) {
        if (c == null) {
            return isSubject ? "pending" : "—";
        }
        return c.invalid ? "INVALID" : fmt(c.median());
    }

    static String fmt(double v) {
        if (Double.isInfinite(v)) {
            return "∞";
        }
        double a = Math.abs(v);
        return String.format(Locale.ROOT, a >= 100 ? "%.0f" : a >= 10 ? "%.1f" : a >= 1 ? "%.2f" : "%.3f", v);
    }

    static String fmtRatio(double r) {
        return Double.isInfinite(r) || Double.isNaN(r) ? "—" : String.format(Locale.ROOT, r >= 10 ? "%.1f" : "%.2f", r);
    }
}
