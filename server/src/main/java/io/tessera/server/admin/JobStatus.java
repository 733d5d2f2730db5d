package io.tessera.server.admin;

import java.util.List;

/**
 * What an admin job (gc, scrub, fsck, stats) is doing or did, as the admin endpoint returns it and the
 * CLI shows it.
 *
 * @param state    running, done or failed
 * @param phase    the step it is in (gc: mark, sweep_maps, ...), for the progress bar
 * @param problems corrupt or missing things found (scrub, fsck); non-zero makes the CLI exit with 1
 * @param exitCode the CLI's exit status once finished
 */
public record JobStatus(String id, String kind, String state, String phase, long done, long total, long problems,
                        String summary, List<String> reported, int exitCode) {
    public boolean finished() {
        return !state.equals("running");
    }
}
