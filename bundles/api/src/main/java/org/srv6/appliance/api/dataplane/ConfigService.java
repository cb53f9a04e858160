package org.srv6.appliance.api.dataplane;

import java.nio.file.Path;
import java.util.List;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The running configuration as replayable {@code ip} lines, saved atomically to
 * {@code etc/srv6.conf} on every change and replayed at boot.
 */
@ProviderType
public interface ConfigService {

    /** @return the running configuration, one command per line, in an order that replays */
    List<String> running();

    /** Writes the running configuration to {@code file} atomically (temp file, fsync, rename). */
    void save(Path file) throws DataplaneException;

    /** @return the lines stored in a file (comments and blank lines removed) */
    List<String> read(Path file) throws DataplaneException;

    /** @return the file the configuration is persisted to */
    Path file();

    /**
     * Replays the persisted file once per core lifetime: the shell calls this with its own
     * line executor; while it runs, saving is suspended, and SIDs may name absent behaviors.
     * Lines that cannot be read or applied are kept in {@code srv6.conf.rejected} with the time
     * and the reason, then the file is rewritten from what was applied.
     *
     * @return false when it has already been replayed
     */
    boolean replayOnce(LineExecutor executor);

    /**
     * Runs {@code work} (the lines of {@code srv6:config load}) as one batch: the changes it makes
     * are not journaled one by one; the configuration is written once when it ends, also when it
     * ends early (what was applied stays applied and saved).
     */
    default void batch(Runnable work) {
        work.run();
    }

    /** @return true while a replay is running (SIDs of absent behaviors are then accepted) */
    boolean replaying();

    /** Executes one configuration line; returns an error line or null. */
    @FunctionalInterface
    interface LineExecutor {
        String execute(String line);

        /**
         * Executes one stored line, knowing where it is stored.
         *
         * @param source  the file it is in ({@code srv6.conf}, or the journal of changes after it)
         * @param number  its line number there, from 1
         * @param problem why it cannot be applied as read (not valid UTF-8, too long), or null
         * @return null when applied, else the one-line reason it was not (a line with a problem is not executed)
         */
        default String execute(String source, int number, String line, String problem) {
            return problem != null ? problem : execute(line);
        }
    }
}
