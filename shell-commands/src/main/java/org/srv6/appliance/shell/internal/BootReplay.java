package org.srv6.appliance.shell.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

import org.srv6.appliance.api.dataplane.ConfigReplay;
import org.srv6.appliance.api.dataplane.ConfigService;
import org.srv6.appliance.api.dataplane.DataplaneException;

/**
 * One replay of the saved configuration through the core's {@link ConfigService#replayOnce}:
 * counts the lines applied, keeps each rejected line with its number in the file and its reason,
 * and says why when the file could not be read at all.
 */
final class BootReplay {
    private BootReplay() {
    }

    /** The outcome, offered as the {@link ConfigReplay} service. */
    record Result(Path file, boolean replayed, int applied, List<ConfigReplay.Rejected> rejected, String error, long millis)
            implements ConfigReplay {
        Result {
            rejected = List.copyOf(rejected);
        }

        String summary() {
            return BootReplay.summary(this);
        }

        /** One line per rejected line: {@code FILE line N: REASON: TEXT}. */
        static String describe(Path file, Rejected r) {
            String where = where(file, r);
            return file + (where.isEmpty() ? "" : " " + where) + ": " + r.reason() + ": " + r.text();
        }
    }

    /** The summary line of a replay: what was applied and rejected, or why nothing was. */
    static String summary(ConfigReplay r) {
        if (r.error() != null) {
            return r.file() + ": not replayed: " + r.error();
        }
        if (!r.replayed()) {
            return r.file() + ": replayed earlier in this core's lifetime";
        }
        return r.file() + ": " + r.applied() + (r.applied() == 1 ? " line" : " lines") + " applied, "
                + r.rejected().size() + " rejected, in " + r.millis() + " ms";
    }

    /**
     * Replays {@code config}'s file once.
     *
     * @param executor runs one line; returns null when applied, else the one-line reason
     */
    static Result run(ConfigService config, UnaryOperator<String> executor) {
        long start = System.nanoTime();
        Path file = config.file();
        List<ConfigReplay.Rejected> rejected = new ArrayList<>();
        int[] applied = {0};
        boolean ran = config.replayOnce(new ConfigService.LineExecutor() {
            @Override
            public String execute(String line) {
                return execute(file == null ? "?" : file.getFileName().toString(), 0, line, null);
            }

            @Override
            public String execute(String source, int number, String line, String problem) {
                String error = problem;
                if (error == null) {
                    try {
                        error = executor.apply(line);
                    } catch (RuntimeException e) {
                        error = e.getMessage() == null ? e.toString() : e.getMessage();
                    }
                }
                if (error == null) {
                    applied[0]++;
                } else {
                    rejected.add(new ConfigReplay.Rejected(source, number, line.strip(), error));
                }
                return error;
            }
        });
        String error = null;
        if (ran && applied[0] == 0 && rejected.isEmpty() && hasCommands(file)) {
            // the core read nothing from a file that has commands: ask it why
            try {
                config.read(file);
            } catch (DataplaneException e) {
                error = e.getMessage();
            }
        }
        long millis = (System.nanoTime() - start) / 1_000_000;
        return new Result(file, ran, applied[0], rejected, error, millis);
    }

    private static boolean hasCommands(Path file) {
        try {
            if (file == null || !Files.exists(file)) {
                return false;
            }
            return new String(Files.readAllBytes(file), StandardCharsets.UTF_8).lines()
                    .map(String::strip).anyMatch(t -> !t.isEmpty() && !t.startsWith("#"));
        } catch (IOException e) {
            return true;
        }
    }

    /** Where a rejected line was: {@code line N} in the file, {@code JOURNAL line N} in the journal. */
    static String where(Path file, ConfigReplay.Rejected r) {
        String here = r.line() > 0 ? "line " + r.line() : "";
        if (file != null && r.source() != null && !r.source().equals(file.getFileName().toString())) {
            return r.source() + (here.isEmpty() ? "" : " " + here);
        }
        return here;
    }
}
