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
     *
     * @return false when it has already been replayed
     */
    boolean replayOnce(LineExecutor executor);

    /** @return true while a replay is running (SIDs of absent behaviors are then accepted) */
    boolean replaying();

    /** Executes one configuration line; returns an error line or null. */
    @FunctionalInterface
    interface LineExecutor {
        String execute(String line);
    }
}
