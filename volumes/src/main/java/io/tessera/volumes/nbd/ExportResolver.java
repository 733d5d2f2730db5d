package io.tessera.volumes.nbd;

import java.util.Optional;

/** What the NBD server asks about export names. */
public interface ExportResolver {
    record ExportInfo(long size, boolean readOnly, String description) {
    }

    /** Size and mode of an export without opening it (NBD_OPT_INFO); empty if there is no such export. */
    Optional<ExportInfo> describe(String exportName);

    /**
     * Opens an export for a connection (NBD_OPT_GO, NBD_OPT_EXPORT_NAME). Throws
     * {@link io.tessera.volumes.VolumeException} (404: unknown, 409: leased elsewhere) to refuse.
     */
    BlockDevice open(String exportName);
}
