package io.tessera.volumes;

import io.tessera.volumes.nbd.ExportAccess;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

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
 * <p>Kept in this process's memory: the NBD clients of a volume must use the frontend whose REST API
 * attached it, and attachments are made again after a restart (the management layer re-attaches).
 */
public final class Attachments implements ExportAccess {
    /** An export's clients; {@code migrationTarget} null when no migration is under way. */
    public record Attachment(String client, String migrationTarget) {
        boolean allows(String who) {
            return who != null && (who.equals(client) || who.equals(migrationTarget));
        }
    }

    private static final String HANDOVER = ";handover";
    private final Map<String, Attachment> byExport = new ConcurrentHashMap<>();

    /**
     * Attaches {@code export} to {@code client}, or names {@code client} the migration target of an export
     * attached elsewhere. Idempotent; 409 if the export is attached to another client (and this is not a
     * migration) or another migration is under way.
     */
    public Attachment attach(String export, String client, boolean migrationTarget) {
        checkClient(client);
        return byExport.compute(export, (k, a) -> {
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
        byExport.compute(export, (k, a) -> {
            if (a == null || !a.allows(client)) {
                throw new VolumeException(404, export + " is not attached to " + client);
            }
            if (!a.client().equals(client)) {
                return new Attachment(a.client(), null); // the migration was called off
            }
            return a.migrationTarget() == null ? null : new Attachment(a.migrationTarget(), null);
        });
    }

    /** Forgets an export's attachment (the volume was deleted). */
    public void forget(String export) {
        byExport.remove(export);
    }

    public Optional<Attachment> of(String export) {
        return Optional.ofNullable(byExport.get(export));
    }

    @Override
    public void check(String exportName, String client) {
        boolean handover = exportName.endsWith(HANDOVER);
        String export = handover ? exportName.substring(0, exportName.length() - HANDOVER.length()) : exportName;
        Attachment a = byExport.get(export);
        if (a == null || !a.allows(client)) {
            throw new VolumeException(403, "export " + export + " is not attached to " + client
                    + " (attach it through the volume REST API)");
        }
        if (handover && !client.equals(a.migrationTarget())) {
            throw new VolumeException(403, "only the migration target named through the volume REST API may open "
                    + export + " with ;handover, and " + client + " is not it");
        }
    }

    private static void checkClient(String client) {
        if (client == null || client.isBlank() || client.length() > 256) {
            throw VolumeException.badRequest("client must name an NBD client: a TLS certificate's CN, or \"local\"");
        }
    }
}
