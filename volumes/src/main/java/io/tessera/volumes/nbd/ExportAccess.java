package io.tessera.volumes.nbd;

/**
 * Who may open which export: asked before an export is described or opened. {@code client} is what
 * the connection proved about its peer ({@link NbdLink#client()}): a TLS certificate's CN, or
 * {@code "local"} on the Unix-domain socket and plain loopback TCP.
 */
public interface ExportAccess {
    /**
     * Throws {@link io.tessera.volumes.VolumeException} (403) if {@code client} may not open
     * {@code exportName} (which may end in {@code ;handover}).
     */
    void check(String exportName, String client);

    /** Every client may open every export: for servers in tests and tools, never for the one Tessera serves. */
    ExportAccess UNCHECKED = (exportName, client) -> {
    };
}
