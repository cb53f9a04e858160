package org.srv6.appliance.features.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
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
 *
 * <p>A feature is installed when it was chosen (boot list, {@code feature:install}) or when an
 * installed feature includes it ({@link Feature#INCLUDES}); the bundles in the framework are
 * exactly those of the installed features. A feature that an installed feature includes cannot be
 * uninstalled on its own: the command is refused, naming the including feature, so that an
 * uninstall always removes what it says.
 */
final class FeatureManager {
    static final String BOOT_PROPERTY = "srv6.features.boot";
    /** Why a chosen feature is installed, as {@code feature:list} shows it. */
    static final String BOOT = "boot";
    static final String OPERATOR = "operator";

    private final BundleContext context;
    private final Path featuresDir;
    private final Path systemDir;
    private final Path stateFile;
    /** Bundle locations present before any feature was applied: never removed by an uninstall. */
    private final Set<String> startupLocations = new HashSet<>();
    /** The chosen features, in the order they were chosen, with why ({@link #BOOT}, {@link #OPERATOR}). */
    private final Map<String, String> chosen = new LinkedHashMap<>();

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
        Map<String, String> wanted = new LinkedHashMap<>();
        if (bootList != null) {
            for (String n : bootList.split(",")) {
                if (!n.isBlank()) {
                    wanted.put(n.strip(), BOOT);
                }
            }
        }
        Map<String, Boolean> state = readState();
        for (Map.Entry<String, Boolean> e : state.entrySet()) {
            if (e.getValue()) {
                wanted.putIfAbsent(e.getKey(), OPERATOR);
            } else {
                wanted.remove(e.getKey());
            }
        }
        List<String> errors = new ArrayList<>();
        for (Map.Entry<String, String> e : wanted.entrySet()) {
            String n = e.getKey();
            try {
                closure(n, all);
                chosen.put(n, e.getValue());
            } catch (IllegalArgumentException | IllegalStateException ex) {
                errors.add(ex.getMessage());
            }
        }
        for (Map.Entry<String, Boolean> e : state.entrySet()) {
            List<String> by = includedBy(e.getKey(), all);
            if (!e.getValue() && !by.isEmpty()) {
                errors.add("feature " + e.getKey() + " was uninstalled but " + String.join(", ", by)
                        + " includes it: it stays installed");
            }
        }
        // install what the chosen features need, then remove what the framework cache still holds
        // of features no longer wanted
        for (String n : chosen.keySet()) {
            try {
                start(n, all);
            } catch (IllegalArgumentException | IllegalStateException ex) {
                errors.add(ex.getMessage());
            }
        }
        Set<String> needed = neededLocations(all);
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

    /** A consistent picture of the features for {@code feature:list}. */
    static final class Snapshot {
        final Map<String, Feature> all;
        /** Installed features (chosen and included), in installation order. */
        final Set<String> installed;
        /** Why each installed feature is: its including features, then boot/operator if chosen. */
        final Map<String, List<String>> why;
        /** The bundles of the installed features (distinct, in order), with the features listing each. */
        final Map<Feature.BundleId, List<String>> bundles;

        Snapshot(Map<String, Feature> all, Set<String> installed, Map<String, List<String>> why,
                Map<Feature.BundleId, List<String>> bundles) {
            this.all = all;
            this.installed = installed;
            this.why = why;
            this.bundles = bundles;
        }

        /** @return the distinct bundles the feature brings, its own and those of the features it includes */
        int bundleCount(String name) {
            try {
                Set<String> seen = new HashSet<>();
                for (String n : closureOf(name, all)) {
                    for (Feature.BundleId b : all.get(n).bundles) {
                        seen.add(b.toString());
                    }
                }
                return seen.size();
            } catch (IllegalArgumentException | IllegalStateException e) {
                return all.get(name).bundles.size();
            }
        }
    }

    synchronized Snapshot snapshot() {
        Map<String, Feature> all = features();
        Set<String> installed = installed(all);
        Map<String, List<String>> why = new LinkedHashMap<>();
        for (String n : installed) {
            List<String> w = new ArrayList<>(includedBy(n, all));
            if (chosen.containsKey(n)) {
                w.add(chosen.get(n));
            }
            why.put(n, w);
        }
        Map<Feature.BundleId, List<String>> bundles = new LinkedHashMap<>();
        Map<String, Feature.BundleId> byText = new HashMap<>();
        for (String n : installed) {
            for (Feature.BundleId b : all.get(n).bundles) {
                Feature.BundleId key = byText.computeIfAbsent(b.toString(), k -> b);
                bundles.computeIfAbsent(key, k -> new ArrayList<>()).add(n);
            }
        }
        return new Snapshot(all, installed, why, bundles);
    }

    /** @return the framework's bundle of that id, or null when it is not installed */
    Bundle bundle(Feature.BundleId b) {
        return context.getBundle(location(b));
    }

    synchronized boolean isInstalled(String name) {
        return installed(features()).contains(name);
    }

    /**
     * Chooses the feature: installs every bundle of it and of the features it includes, then
     * starts those that are not fragments.
     */
    synchronized void install(String name) {
        Map<String, Feature> all = features();
        closure(name, all);
        chosen.put(name, OPERATOR);
        start(name, all);
        remember(Map.of(name, true));
    }

    /**
     * Uninstalls the feature: the bundles that it alone brought (with the features it includes)
     * leave the framework. Refused, with nothing changed, when an installed feature includes it.
     * With {@code keepMembers}, the features it includes stay installed as chosen features of
     * their own and no bundle leaves.
     *
     * @return the bundles kept because another installed feature (or the startup set) uses them
     */
    synchronized List<String> uninstall(String name, boolean keepMembers) {
        Map<String, Feature> all = features();
        Feature f = find(name, all);
        Set<String> before = installed(all);
        if (!before.contains(name)) {
            throw new IllegalArgumentException("feature " + name + " is not installed; installed: " + String.join(", ", before));
        }
        List<String> by = includedBy(name, all);
        if (!by.isEmpty()) {
            String first = by.get(0);
            throw new IllegalArgumentException(name + " is included by " + String.join(", ", by) + "; uninstall " + first
                    + " (all its features go), or feature:uninstall --keep-members " + first + " and then " + name);
        }
        Map<String, Boolean> choices = new LinkedHashMap<>();
        if (keepMembers) {
            for (String m : members(f, all)) {
                if (before.contains(m) && !chosen.containsKey(m)) {
                    chosen.put(m, OPERATOR);
                    choices.put(m, true);
                }
            }
        }
        chosen.remove(name);
        choices.put(name, false);
        Set<String> needed = neededLocations(all);
        needed.addAll(startupLocations);
        List<Feature.BundleId> gone = new ArrayList<>();
        List<String> kept = new ArrayList<>();
        for (String n : before) {
            for (Feature.BundleId b : all.get(n).bundles) {
                String loc = location(b);
                if (!needed.contains(loc)) {
                    gone.add(b);
                } else if (closureOf(name, all).contains(n) && !keepMembers) {
                    kept.add(b.artifact);
                }
            }
        }
        List<String> failures = new ArrayList<>();
        java.util.Collections.reverse(gone);
        for (Feature.BundleId b : gone) {
            Bundle bundle = context.getBundle(location(b));
            if (bundle != null) {
                try {
                    bundle.uninstall();
                } catch (BundleException | IllegalStateException e) {
                    failures.add(b + ": " + e.getMessage());
                }
            }
        }
        remember(choices);
        if (!gone.isEmpty()) {
            refresh();
        }
        if (!failures.isEmpty()) {
            throw new IllegalStateException("feature " + name + " uninstalled with errors: " + String.join("; ", failures));
        }
        return kept;
    }

    /** @return the installed features: the chosen ones and every feature they include, in order */
    private Set<String> installed(Map<String, Feature> all) {
        Set<String> out = new LinkedHashSet<>();
        for (String n : chosen.keySet()) {
            try {
                out.addAll(closureOf(n, all));
            } catch (IllegalArgumentException | IllegalStateException e) {
                // a feature file changed under a running appliance: what is still readable counts
                out.add(n);
            }
        }
        out.retainAll(all.keySet());
        return out;
    }

    /** @return the installed features that directly include {@code name} */
    private List<String> includedBy(String name, Map<String, Feature> all) {
        List<String> out = new ArrayList<>();
        for (String n : installed(all)) {
            if (!n.equals(name)) {
                try {
                    if (members(all.get(n), all).contains(name)) {
                        out.add(n);
                    }
                } catch (IllegalArgumentException e) {
                    // a member that is missing: it includes nothing we can name
                }
            }
        }
        return out;
    }

    private Set<String> neededLocations(Map<String, Feature> all) {
        Set<String> needed = new HashSet<>();
        for (String n : installed(all)) {
            for (Feature.BundleId b : all.get(n).bundles) {
                needed.add(location(b));
            }
        }
        return needed;
    }

    /** Validates the feature and what it includes (the file of each is there). */
    private void closure(String name, Map<String, Feature> all) {
        closureOf(name, all);
    }

    /** @return the feature and every feature it includes, depth first (members before it is done) */
    static Set<String> closureOf(String name, Map<String, Feature> all) {
        Set<String> out = new LinkedHashSet<>();
        closureOf(name, all, out);
        return out;
    }

    private static void closureOf(String name, Map<String, Feature> all, Set<String> out) {
        Feature f = find(name, all);
        if (!out.add(name)) {
            return;
        }
        for (String m : members(f, all)) {
            closureOf(m, all, out);
        }
    }

    /** @return the names of the features {@code f} includes directly */
    static List<String> members(Feature f, Map<String, Feature> all) {
        List<String> out = new ArrayList<>();
        for (String id : f.includes) {
            String found = null;
            for (Feature o : all.values()) {
                if (o.id.equals(id)) {
                    found = o.name;
                    break;
                }
            }
            if (found == null) {
                throw new IllegalArgumentException("feature " + f.name + " includes " + id + ", which no file in features/ has as its id");
            }
            out.add(found);
        }
        return out;
    }

    /** Installs and starts the bundles of the feature and of the features it includes. */
    private void start(String name, Map<String, Feature> all) {
        List<Bundle> toStart = new ArrayList<>();
        for (String n : closureOf(name, all)) {
            for (Feature.BundleId b : all.get(n).bundles) {
                Path jar = b.resolve(systemDir);
                if (!Files.isRegularFile(jar)) {
                    throw new IllegalStateException("feature " + n + " needs " + b + "; expected the file " + jar);
                }
                String loc = location(b);
                Bundle bundle = context.getBundle(loc);
                try {
                    if (bundle == null) {
                        bundle = context.installBundle(loc);
                    }
                } catch (BundleException e) {
                    throw new IllegalStateException("feature " + n + ": cannot install " + b + ": " + e.getMessage(), e);
                }
                if (bundle.getHeaders().get(Constants.FRAGMENT_HOST) == null && !toStart.contains(bundle)) {
                    toStart.add(bundle);
                }
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
        if (!failures.isEmpty()) {
            throw new IllegalStateException("feature " + name + " installed but not started: " + String.join("; ", failures));
        }
    }

    private static Feature find(String name, Map<String, Feature> all) {
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
    private void remember(Map<String, Boolean> choices) {
        Map<String, Boolean> m = readState();
        for (Map.Entry<String, Boolean> c : choices.entrySet()) {
            m.remove(c.getKey());
            m.put(c.getKey(), c.getValue());
        }
        String name = String.join(", ", choices.keySet());
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
