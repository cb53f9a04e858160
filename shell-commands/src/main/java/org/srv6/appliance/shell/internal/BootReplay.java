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
            return file + (r.line() > 0 ? " line " + r.line() : "") + ": " + r.reason() + ": " + r.text();
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
        List<String> raw = rawLines(file);
        List<ConfigReplay.Rejected> rejected = new ArrayList<>();
        int[] applied = {0};
        int[] cursor = {0};
        boolean ran = config.replayOnce(line -> {
            int number = locate(raw, cursor, line);
            String error;
            try {
                error = executor.apply(line);
            } catch (RuntimeException e) {
                error = e.getMessage() == null ? e.toString() : e.getMessage();
            }
            if (error == null) {
                applied[0]++;
            } else {
                rejected.add(new ConfigReplay.Rejected(number, line.strip(), error));
            }
            return error;
        });
        String error = null;
        if (ran && applied[0] == 0 && rejected.isEmpty() && raw.stream().anyMatch(BootReplay::isCommand)) {
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

    private static boolean isCommand(String l) {
        String t = l.strip();
        return !t.isEmpty() && !t.startsWith("#");
    }

    /** The file's lines for numbering only: bytes that are not UTF-8 are replaced, not fatal. */
    private static List<String> rawLines(Path file) {
        try {
            if (file == null || !Files.exists(file)) {
                return List.of();
            }
            return new String(Files.readAllBytes(file), StandardCharsets.UTF_8).lines().toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    /** The number (from 1) of the next file line holding {@code line}; 0 when none does. */
    private static int locate(List<String> raw, int[] cursor, String line) {
        String want = line.strip();
        for (int i = cursor[0]; i < raw.size(); i++) {
            if (raw.get(i).strip().equals(want)) {
                cursor[0] = i + 1;
                return i + 1;
            }
        }
        return 0;
    }
}
