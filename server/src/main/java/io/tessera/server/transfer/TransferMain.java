package io.tessera.server.transfer;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * The entry point {@code bin/tessera put|get|sync} starts: only the transfer commands, so that the
 * client's JVM loads none of the server (no logging set-up, no configuration, no store classes) and
 * starts in a fraction of the time {@code io.tessera.server.Main} takes. The same commands are in
 * Main's tree too (its {@code --help} lists them).
 */
@Command(name = "tessera", mixinStandardHelpOptions = true, scope = ScopeType.INHERIT, version = "tessera 0.1.0",
        description = "Transfer files to and from Tessera, moving only the blocks the other side lacks.",
        subcommands = {TransferCli.Put.class, TransferCli.Get.class, TransferCli.Sync.class})
public final class TransferMain implements Runnable {
    @Spec
    CommandSpec spec;

    public static void main(String[] args) {
        System.exit(new CommandLine(new TransferMain()).execute(args));
    }

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "Missing required subcommand");
    }
}
