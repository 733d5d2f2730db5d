package io.tessera.bench;

import java.util.Locale;
import java.util.StringJoiner;

/**
 * The output format: a "# params" line per workload run, then one RESULT line per measured number.
 * RESULT lines are key=value so run.sh can collect them and `table` can read them back.
 */
public final class Report {
    private final TargetOptions target;
    private final String workload;

    public Report(TargetOptions target, String workload) {
        this.target = target;
        this.workload = workload;
    }

    /** Prints what this run measures, before it starts: alternating key, value. */
    public void params(Object... kv) {
        StringJoiner j = new StringJoiner(" ", "# params workload=" + workload + " target=" + target.name()
                + " round=" + target.round() + " ", "");
        for (int i = 0; i + 1 < kv.length; i += 2) {
            j.add(kv[i] + "=" + kv[i + 1]);
        }
        System.out.println(j);
        System.out.flush();
    }

    /**
     * One number. {@code valid=false} when verification failed: `table` then shows INVALID instead
     * of a number, so a fast wrong answer cannot score.
     */
    public void result(String metric, double value, String unit, boolean higherIsBetter, boolean valid, String extra) {
        print(metric, value, unit, higherIsBetter ? "higher" : "lower", valid, extra);
    }

    /** A number that is context, not a score (e.g. logical bytes uploaded): never compared. */
    public void info(String metric, double value, String unit, boolean valid, String extra) {
        print(metric, value, unit, "none", valid, extra);
    }

    private void print(String metric, double value, String unit, String better, boolean valid, String extra) {
        System.out.println(String.format(Locale.ROOT, "RESULT target=%s round=%d workload=%s metric=%s value=%.3f unit=%s better=%s valid=%s%s",
                target.name(), target.round(), workload, metric, value, unit, better,
                valid, extra == null || extra.isEmpty() ? "" : " " + extra));
        System.out.flush();
    }

    public void note(String text) {
        System.out.println("# " + workload + " " + target.name() + ": " + text);
        System.out.flush();
    }
}
