package io.tessera.bench;

import io.tessera.bench.workloads.ClientCost;
import io.tessera.bench.workloads.Dedup;
import io.tessera.bench.workloads.HashLimit;
import io.tessera.bench.workloads.LargeObjects;
import io.tessera.bench.workloads.Listing;
import io.tessera.bench.workloads.MakeStatic;
import io.tessera.bench.workloads.ServerCopy;
import io.tessera.bench.workloads.SmallObjects;
import io.tessera.bench.workloads.VolumeTimes;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** tessera-bench: one subcommand per workload, plus make-static and table. bench/run.sh drives it. */
@Command(name = "tessera-bench", mixinStandardHelpOptions = true,
        description = "Load generator for Swift v1 endpoints (Tessera, OpenStack Swift) and static servers (nginx).",
        subcommands = {SmallObjects.class, LargeObjects.class, Listing.class, ServerCopy.class, Dedup.class,
                VolumeTimes.class, HashLimit.class, ClientCost.class, MakeStatic.class, TablePrinter.class})
public final class BenchMain implements Runnable {
    public static void main(String[] args) {
        System.exit(new CommandLine(new BenchMain()).execute(args));
    }

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }
}
