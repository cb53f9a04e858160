package org.srv6.appliance.launcher;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.startlevel.BundleStartLevel;

/**
 * Keeps the framework cache valid when the home is moved or copied. The cache ({@code var/cache})
 * holds bundle locations with the absolute home in them; {@code var/cache.home} records the home
 * the cache was made for. When it differs, every cached bundle located inside the old home
 * (system/, deploy/) is installed again from the same place in the new home, with its start
 * level and persistent start state, and the old one is uninstalled; bundles installed from
 * outside the home keep their cached copy. Runs between {@code init()} and {@code start()} of the
 * framework, when no bundle is resolved yet.
 */
final class Relocation {

    /** File under the home that names the home the framework cache belongs to. */
    static final String RECORD = "var/cache.home";

    private Relocation() {
    }

    /** The home recorded with the cache, or null when there is none (fresh or older cache). */
    static Path recordedHome(Path home) throws IOException {
        Path record = home.resolve(RECORD);
        if (!Files.isRegularFile(record)) {
            return null;
        }
        String text = Files.readString(record, StandardCharsets.UTF_8).strip();
        return text.isEmpty() ? null : Path.of(text);
    }

    static void record(Path home) throws IOException {
        Files.writeString(home.resolve(RECORD), home + "\n", StandardCharsets.UTF_8);
    }

    /**
     * The location {@code location} takes in {@code home} when it pointed inside {@code oldHome},
     * or null when it did not ({@code file:} and {@code reference:file:} URLs).
     */
    static String relocated(String location, Path oldHome, Path home) {
        String prefix;
        if (location.startsWith("reference:file:")) {
            prefix = "reference:file:";
        } else if (location.startsWith("file:")) {
            prefix = "file:";
        } else {
            return null;
        }
        String path = location.substring(prefix.length());
        String authority = "";
        if (path.startsWith("//")) {
            authority = "//";
            path = path.substring(2);
        }
        String old = oldHome.toString();
        if (!path.startsWith(old + "/")) {
            return null;
        }
        return prefix + authority + home + path.substring(old.length());
    }

    /**
     * Moves every cached bundle of {@code oldHome} to its place in {@code home}; returns one
     * message per bundle that stays at its old location (its file is absent from the new home or
     * cannot be installed).
     */
    static List<String> relocate(BundleContext context, Path oldHome, Path home) {
        List<String> problems = new ArrayList<>();
        for (Bundle b : context.getBundles()) {
            if (b.getBundleId() == 0) {
                continue;
            }
            String target = relocated(b.getLocation(), oldHome, home);
            if (target == null) {
                continue;
            }
            Path file = Path.of(target.substring(target.indexOf("file:") + "file:".length()).replaceFirst("^//", ""));
            if (!Files.isRegularFile(file)) {
                problems.add(b.getSymbolicName() + " stays at " + b.getLocation() + ": " + file + " does not exist");
                continue;
            }
            BundleStartLevel level = b.adapt(BundleStartLevel.class);
            int startLevel = level.getStartLevel();
            boolean started = level.isPersistentlyStarted();
            boolean policy = level.isActivationPolicyUsed();
            try {
                b.uninstall();
                Bundle moved = context.installBundle(target);
                moved.adapt(BundleStartLevel.class).setStartLevel(startLevel);
                if (started) {
                    // the framework is not started yet: this only records the autostart setting
                    moved.start(policy ? Bundle.START_ACTIVATION_POLICY : 0);
                }
            } catch (BundleException | IllegalStateException e) {
                problems.add(b.getSymbolicName() + " could not move to " + target + ": " + e.getMessage());
            }
        }
        return problems;
    }
}
