package io.tessera.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import picocli.CommandLine;

/**
 * {@code bin/tessera} as picocli users expect it, for every command and subcommand (found by walking the
 * command tree, so a command added later is covered too): {@code --help} and {@code -h} print its usage
 * and exit 0, an unknown option exits 2 with the reason and the usage on stderr, {@code --version} prints
 * the version. Runs {@link Main#commandLine()}, the very object {@code main} executes.
 */
class CliTest {
    record Run(int exit, String out, String err) {
    }

    private static Run run(String... args) {
        CommandLine cli = Main.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int exit = cli.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    /** The argument path of every command: [], [run], [volume], [volume, create], ... */
    private static List<List<String>> commandPaths() {
        List<List<String>> paths = new ArrayList<>();
        collect(Main.commandLine(), new ArrayList<>(), paths);
        return paths;
    }

    private static void collect(CommandLine cmd, List<String> path, List<List<String>> into) {
        into.add(List.copyOf(path));
        for (Map.Entry<String, CommandLine> sub : cmd.getSubcommands().entrySet()) {
            List<String> next = new ArrayList<>(path);
            next.add(sub.getKey());
            collect(sub.getValue(), next, into);
        }
    }

    private static String[] with(List<String> path, String last) {
        List<String> args = new ArrayList<>(path);
        args.add(last);
        return args.toArray(String[]::new);
    }

    private static String usageLine(List<String> path) {
        return "Usage: " + String.join(" ", Stream.concat(Stream.of("tessera"), path.stream()).toList());
    }

    @Test
    void theTreeHasEveryCommand() {
        assertThat(commandPaths()).contains(List.of("run"), List.of("hash-key"), List.of("gc"), List.of("scrub"),
                List.of("fsck"), List.of("stats"), List.of("volume"), List.of("volume", "create"),
                List.of("volume", "list"), List.of("volume", "info"), List.of("volume", "snapshot"),
                List.of("volume", "resize"), List.of("volume", "delete"), List.of("put"), List.of("get"), List.of("sync"));
    }

    @TestFactory
    Stream<DynamicTest> helpOnEveryCommandExitsZeroWithItsUsage() {
        return commandPaths().stream().flatMap(path -> Stream.of("--help", "-h").map(flag ->
                DynamicTest.dynamicTest(String.join(" ", with(path, flag)), () -> {
                    Run r = run(with(path, flag));
                    assertThat(r.exit()).as(r.err()).isZero();
                    assertThat(r.out()).startsWith(usageLine(path)).contains("-h, --help");
                    assertThat(r.err()).isEmpty();
                })));
    }

    /** The command's path, then a value for each of its required parameters and options, then {@code last}. */
    private static String[] withRequired(List<String> path, String last) {
        CommandLine cmd = Main.commandLine();
        for (String name : path) {
            cmd = cmd.getSubcommands().get(name);
        }
        List<String> args = new ArrayList<>(path);
        for (CommandLine.Model.OptionSpec o : cmd.getCommandSpec().options()) {
            if (!o.required()) {
                continue;
            }
            args.add(o.longestName());
            args.add("x");
        }
        for (CommandLine.Model.PositionalParamSpec p : cmd.getCommandSpec().positionalParameters()) {
            if (p.required()) {
                args.add("x");
            }
        }
        args.add(last);
        return args.toArray(String[]::new);
    }

    @TestFactory
    Stream<DynamicTest> anUnknownOptionExitsTwoWithTheReasonAndTheUsage() {
        return commandPaths().stream().map(path -> withRequired(path, "--no-such-option")).map(args ->
                DynamicTest.dynamicTest(String.join(" ", args), () -> {
                    Run r = run(args);
                    assertThat(r.exit()).isEqualTo(2);
                    assertThat(r.err()).contains("Unknown option: '--no-such-option'").contains("Usage: tessera");
                    assertThat(r.out()).isEmpty();
                }));
    }

    @Test
    void versionPrintsTheVersion() {
        Run r = run("--version");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).startsWith("tessera ");
        Run v = run("-V");
        assertThat(v.exit()).isZero();
        assertThat(v.out()).isEqualTo(r.out());
    }

    @Test
    void aCommandThatNeedsASubcommandSaysSoWithExitTwo() {
        for (List<String> path : List.of(List.<String>of(), List.of("volume"))) {
            Run r = run(path.toArray(String[]::new));
            assertThat(r.exit()).as(String.join(" ", path)).isEqualTo(2);
            assertThat(r.err()).contains("Missing required subcommand").contains(usageLine(path));
        }
    }
}
