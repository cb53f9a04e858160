package org.srv6.appliance.features.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.Constants;

/**
 * Installs and uninstalls features offline: the descriptors come from {@code ${srv6.home}/features},
 * the bundles from {@code ${srv6.home}/system} in Maven layout. What the operator installs or
 * uninstalls is remembered in {@code ${srv6.home}/var/features.state} and applied again over the
 * boot list ({@code srv6.features.boot}) at the next start.
 */
final class FeatureManager {
    static final String BOOT_PROPERTY = "srv6.features.boot";

    private final BundleContext context;
    private final Path featuresDir;
    private final Path systemDir;
    private final Path stateFile;
    /** Bundle locations present before any feature was applied: never removed by an uninstall. */
    private final Set<String> startupLocations = new HashSet<>();
    /** Installed feature names, in installation order. */
    private final Set<String> installed = new LinkedHashSet<>();

    FeatureManager(BundleContext context, Path home) {
        this.context = context;
        this.featuresDir = home.resolve("features");
        this.systemDir = home.resolve("system");
        this.stateFile = home.resolve("var").resolve("features.state");
    }

    /** Records the startup set, then installs the boot features and replays the remembered choices. */
    synchronized List<String> boot(String bootList) {
        Map<String, Feature> all = features();
        Set<String> featureLocations = new HashSet<>();
        for (Feature f : all.values()) {
            for (Feature.BundleId b : f.bundles) {
                featureLocations.add(location(b));
            }
        }
        for (Bundle b : context.getBundles()) {
            if (!featureLocations.contains(b.getLocation())) {
                startupLocations.add(b.getLocation());
            }
        }
        Set<String> wanted = new LinkedHashSet<>();
        if (bootList != null) {
            for (String n : bootList.split(",")) {
                if (!n.isBlank()) {
                    wanted.add(n.strip());
                }
            }
        }
        Map<String, Boolean> state = readState();
        for (Map.Entry<String, Boolean> e : state.entrySet()) {
            if (e.getValue()) {
                wanted.add(e.getKey());
            } else {
                wanted.remove(e.getKey());
            }
        }
        List<String> errors = new ArrayList<>();
        for (String n : wanted) {
            try {
                apply(n, all);
            } catch (IllegalArgumentException | IllegalStateException e) {
                errors.add(e.getMessage());
            }
        }
        // the framework cache may still hold bundles of a feature that is no longer wanted
        Set<String> needed = new HashSet<>();
        for (String n : installed) {
            for (Feature.BundleId b : all.get(n).bundles) {
                needed.add(location(b));
            }
        }
        boolean removed = false;
        for (Bundle b : context.getBundles()) {
            if (featureLocations.contains(b.getLocation()) && !needed.contains(b.getLocation())) {
                try {
                    b.uninstall();
                    removed = true;
                } catch (BundleException | IllegalStateException e) {
                    errors.add("cannot uninstall " + b.getSymbolicName() + " left from an earlier run: " + e.getMessage());
                }
            }
        }
        if (removed) {
            refresh();
        }
        return errors;
    }

    /** @return every feature found in the features folder, by name */
    Map<String, Feature> features() {
        Map<String, Feature> out = new TreeMap<>();
        if (!Files.isDirectory(featuresDir)) {
            return out;
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(featuresDir, "*.json")) {
            for (Path p : ds) {
                try {
                    Feature f = Feature.read(p);
                    out.put(f.name, f);
                } catch (IOException e) {
                    throw new IllegalStateException(e.getMessage(), e);
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot list " + featuresDir + ": " + e.getMessage(), e);
        }
        return out;
    }

    synchronized boolean isInstalled(String name) {
        return installed.contains(name);
    }

    synchronized Set<String> installed() {
        return new LinkedHashSet<>(installed);
    }

    /** Installs every bundle of the feature, then starts those that are not fragments. */
    synchronized void install(String name) {
        apply(name, features());
        remember(name, true);
    }

    /** Uninstalls the feature's bundles that no other installed feature and no startup bundle uses. */
    synchronized void uninstall(String name) {
        Map<String, Feature> all = features();
        Feature f = find(name, all);
        if (!installed.contains(name)) {
            throw new IllegalArgumentException("feature " + name + " is not installed; installed: " + String.join(", ", installed));
        }
        Set<String> kept = new HashSet<>(startupLocations);
        for (String other : installed) {
            Feature o = all.get(other);
            if (!other.equals(name) && o != null) {
                for (Feature.BundleId b : o.bundles) {
                    kept.add(location(b));
                }
            }
        }
        List<String> failures = new ArrayList<>();
        List<Feature.BundleId> reversed = new ArrayList<>(f.bundles);
        java.util.Collections.reverse(reversed);
        for (Feature.BundleId b : reversed) {
            String loc = location(b);
            Bundle bundle = context.getBundle(loc);
            if (bundle != null && !kept.contains(loc)) {
                try {
                    bundle.uninstall();
                } catch (BundleException | IllegalStateException e) {
                    failures.add(b + ": " + e.getMessage());
                }
            }
        }
        installed.remove(name);
        remember(name, false);
        refresh();
        if (!failures.isEmpty()) {
            throw new IllegalStateException("feature " + name + " uninstalled with errors: " + String.join("; ", failures));
        }
    }

    private void apply(String name, Map<String, Feature> all) {
        Feature f = find(name, all);
        List<Bundle> toStart = new ArrayList<>();
        for (Feature.BundleId b : f.bundles) {
            Path jar = b.resolve(systemDir);
            if (!Files.isRegularFile(jar)) {
                throw new IllegalStateException("feature " + name + " needs " + b + "; expected the file " + jar);
            }
            String loc = location(b);
            Bundle bundle = context.getBundle(loc);
            try {
                if (bundle == null) {
                    bundle = context.installBundle(loc);
                }
            } catch (BundleException e) {
                throw new IllegalStateException("feature " + name + ": cannot install " + b + ": " + e.getMessage(), e);
            }
            if (bundle.getHeaders().get(Constants.FRAGMENT_HOST) == null) {
                toStart.add(bundle);
            }
        }
        List<String> failures = new ArrayList<>();
        for (Bundle bundle : toStart) {
            try {
                bundle.start();
            } catch (BundleException e) {
                failures.add(bundle.getSymbolicName() + ": " + e.getMessage());
            }
        }
        installed.add(name);
        if (!failures.isEmpty()) {
            throw new IllegalStateException("feature " + name + " installed but not started: " + String.join("; ", failures));
        }
    }

    private Feature find(String name, Map<String, Feature> all) {
        Feature f = all.get(name);
        if (f == null) {
            throw new IllegalArgumentException("unknown feature " + name + "; available: " + String.join(", ", all.keySet()));
        }
        return f;
    }

    private String location(Feature.BundleId b) {
        return "file:" + b.resolve(systemDir).toAbsolutePath();
    }

    private void refresh() {
        try {
            org.osgi.framework.wiring.FrameworkWiring fw = context.getBundle(0).adapt(org.osgi.framework.wiring.FrameworkWiring.class);
            if (fw != null) {
                fw.refreshBundles(null);
            }
        } catch (RuntimeException e) {
            // stale wirings are only cleaned later; the uninstall itself succeeded
        }
    }

    private Map<String, Boolean> readState() {
        Map<String, Boolean> m = new LinkedHashMap<>();
        try {
            if (Files.exists(stateFile)) {
                for (String l : Files.readAllLines(stateFile, StandardCharsets.UTF_8)) {
                    String t = l.strip();
                    int eq = t.indexOf('=');
                    if (t.isEmpty() || t.startsWith("#") || eq < 0) {
                        continue;
                    }
                    m.remove(t.substring(0, eq));
                    m.put(t.substring(0, eq), "installed".equals(t.substring(eq + 1)));
                }
            }
        } catch (IOException e) {
            // an unreadable state means boot features only
        }
        return m;
    }

    /** Rewrites the state file atomically with the latest choice per feature. */
    private void remember(String name, boolean install) {
        Map<String, Boolean> m = readState();
        m.remove(name);
        m.put(name, install);
        StringBuilder sb = new StringBuilder("# features installed (or uninstalled) at run time; applied over srv6.features.boot at start\n");
        for (Map.Entry<String, Boolean> e : m.entrySet()) {
            sb.append(e.getKey()).append('=').append(e.getValue() ? "installed" : "uninstalled").append('\n');
        }
        try {
            Files.createDirectories(stateFile.getParent());
            Path tmp = stateFile.resolveSibling(".features.state.tmp");
            Files.writeString(tmp, sb, StandardCharsets.UTF_8);
            Files.move(tmp, stateFile, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new IllegalStateException("feature " + name + " applied but not remembered: cannot write " + stateFile + ": " + e.getMessage(), e);
        }
    }
}
