package org.srv6.appliance.api.dataplane;

import java.nio.file.Path;
import java.util.List;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The result of replaying the saved configuration at boot. Registered as a service once the
 * replay is over, so its presence means "the configuration has been applied": the admin socket
 * waits for it before it answers.
 */
@ProviderType
public interface ConfigReplay {

    /** @return the file that was replayed ({@code etc/srv6.conf}) */
    Path file();

    /** @return false when this core had replayed its file before (nothing was applied this time) */
    boolean replayed();

    /** @return the lines applied */
    int applied();

    /** @return the lines rejected, in file order */
    List<Rejected> rejected();

    /** @return why the file could not be read at all, or null */
    String error();

    /** @return how long the replay took, in milliseconds */
    long millis();

    /**
     * One line the replay could not apply.
     *
     * @param source the file it was in: {@code srv6.conf}, or the journal of changes after it
     * @param line   its number in that file, from 1
     * @param text   the line
     * @param reason the one-line error
     */
    record Rejected(String source, int line, String text, String reason) {
    }
}
