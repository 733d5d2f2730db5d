package io.tessera.volumes;

import io.tessera.store.Store;
import io.tessera.store.VolumeStore;
import io.tessera.store.VolumeStore.Attachment;
import io.tessera.volumes.nbd.ExportAccess;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * Which NBD client each export is attached to, as the volume REST API set it; the NBD server serves an
 * export only to a client named here. A client is what the NBD connection proved: a TLS certificate's CN,
 * or {@code "local"} for the Unix socket and loopback TCP.
 *
 * <p>An export ({@code {account}/{volume}} or {@code {account}/{container}/{object}}) has one attached
 * client and, during a live migration, a migration target: both may open it, and only the target may
 * open it with {@code ;handover} (which takes the write lease from the source). Detaching the source
 * makes the target the attached client.
 *
 * <p>Attachments are rows of the store ({@link VolumeStore#attachment}), so they survive a restart and
 * every frontend over one store enforces the same ones. A volume's row is keyed by the volume's id, not its
 * name: a volume created again under a deleted one's name starts unattached, even if the delete's removal
 * of the row was lost. Every change is a compare-and-set from the state it was computed from, retried on
 * a conflict, so two concurrent REST calls can never both win (two attaches of different clients: one is
 * attached, the other gets a 409 that names it).
 *
 * <p>What an attachment governs is the opening of an export: a connection already open when its client is
 * detached keeps running until it disconnects (a migration ends the source's by the handover, which fences
 * its writes).
 */
public final class Attachments implements ExportAccess {
    private static final String HANDOVER = ";handover";
    /** Compare-and-set rounds before a change gives up with a 409: only a storm of changes to one export. */
    private static final int ATTEMPTS = 16;
    /** Store keys: {@code volume/} + a volume's id, {@code object/} + an object export's name. */
    private static final String VOLUME = "volume/";
    private static final String OBJECT = "object/";

    private final Store store;

    public Attachments(Store store) {
        this.store = store;
    }

    /**
     * Attaches {@code export} to {@code client}, or names {@code client} the migration target of an export
     * attached elsewhere. Idempotent; 404 if the volume or object does not exist; 409 if the export is
     * attached to another client (and this is not a migration) or another migration is under way.
     */
    public Attachment attach(String export, String client, boolean migrationTarget) {
        checkClient(client);
        String key = key(export).orElseThrow(() -> VolumeException.notFound("export " + export));
        if (key.startsWith(OBJECT)) {
            String[] parts = export.split("/", 3);
            if (store.metadata().getObject(parts[0], parts[1], parts[2]).isEmpty()) {
                throw VolumeException.notFound("object " + parts[1] + "/" + parts[2]);
            }
        }
        return change(key, export, a -> {
            if (a == null) {
                if (migrationTarget) {
                    throw VolumeException.conflict(export + " is attached to no client: attach it before migrating it");
                }
                return new Attachment(client, null);
            }
            if (!migrationTarget) {
                if (a.client().equals(client)) {
                    return a;
                }
                throw VolumeException.conflict(export + " is attached to " + a.client()
                        + "; detach it there first, or attach with migration_target to move it");
            }
            if (a.migrationTarget() != null && !a.migrationTarget().equals(client)) {
                throw VolumeException.conflict(export + " is already migrating to " + a.migrationTarget());
            }
            return new Attachment(a.client(), client);
        });
    }

    /** Detaches {@code client}; if it was the attached client, a migration target takes its place. 404 if not attached. */
    public void detach(String export, String client) {
        checkClient(client);
        String key = key(export).orElseThrow(() -> new VolumeException(404, export + " is not attached to " + client));
        change(key, export, a -> {
            if (a == null || !a.allows(client)) {
                throw new VolumeException(404, export + " is not attached to " + client);
            }
            if (!a.client().equals(client)) {
                return new Attachment(a.client(), null); // the migration was called off
            }
            return a.migrationTarget() == null ? null : new Attachment(a.migrationTarget(), null);
        });
    }

    /** The export's attachment, if it has one (none for a volume or an export name that does not exist). */
    public Optional<Attachment> of(String export) {
        return key(export).flatMap(store.volumes()::attachment);
    }

    /** Removes the attachment of a volume that was just deleted (VolumeService#delete). */
    void forgetVolume(String volumeId) {
        change(VOLUME + volumeId, "volume " + volumeId, a -> null);
    }

    @Override
    public void check(String exportName, String client) {
        boolean handover = exportName.endsWith(HANDOVER);
        String export = handover ? exportName.substring(0, exportName.length() - HANDOVER.length()) : exportName;
        Attachment a = of(export).orElse(null);
        if (a == null || !a.allows(client)) {
            throw new VolumeException(403, "export " + export + " is not attached to " + client
                    + " (attach it through the volume REST API)");
        }
        if (handover && !client.equals(a.migrationTarget())) {
            throw new VolumeException(403, "only the migration target named through the volume REST API may open "
                    + export + " with ;handover, and " + client + " is not it");
        }
    }

    // ---------------------------------------------------------------- store keys

    /**
     * The store key of an export: {@code volume/} + the volume's id (empty if there is no such volume), or
     * {@code object/} + the export name; empty for a name that is neither.
     */
    private Optional<String> key(String export) {
        String[] parts = export.split("/", 3);
        if (parts.length == 2 && !parts[0].isEmpty() && VolumeService.VOLUME_NAME.matcher(parts[1]).matches()) {
            return store.volumes().get(parts[0], parts[1]).map(r -> VOLUME + r.id());
        }
        if (parts.length == 3 && !parts[0].isEmpty() && !parts[1].isEmpty() && !parts[2].isEmpty()
                && export.getBytes(StandardCharsets.UTF_8).length <= 2048) {
            return Optional.of(OBJECT + export);
        }
        return Optional.empty();
    }

    /**
     * Applies {@code change} (null in or out: no attachment; it throws to refuse) to the stored attachment
     * by compare-and-set, reading again and re-applying it after a conflict. Returns the new attachment.
     */
    private Attachment change(String key, String export, UnaryOperator<Attachment> change) {
        VolumeStore volumes = store.volumes();
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            Attachment current = volumes.attachment(key).orElse(null);
            Attachment next = change.apply(current);
            if (Objects.equals(next, current) || volumes.casAttachment(key, current, next)) {
                return next;
            }
        }
        throw VolumeException.conflict("the attachment of " + export + " changed under us " + ATTEMPTS
                + " times in a row; try again");
    }

    private static void checkClient(String client) {
        if (client == null || client.isBlank() || client.length() > 256) {
            throw VolumeException.badRequest("client must name an NBD client: a TLS certificate's CN, or \"local\"");
        }
    }
}
