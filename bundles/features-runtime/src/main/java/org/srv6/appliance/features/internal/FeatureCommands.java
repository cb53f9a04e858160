package org.srv6.appliance.features.internal;

import java.util.List;
import java.util.Map;

import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.osgi.framework.Bundle;

/** Gogo scope {@code feature}: list, install and uninstall features offline. */
public final class FeatureCommands {
    private final FeatureManager manager;

    FeatureCommands(FeatureManager manager) {
        this.manager = manager;
    }

    @Descriptor("lists the features (name, version, installed, bundle count, what installed it), then the bundles"
            + " they brought and by which features")
    public String list() {
        FeatureManager.Snapshot s = manager.snapshot();
        StringBuilder sb = new StringBuilder();
        row(sb, String.format("%-32s %-16s %-9s %-7s %s", "NAME", "VERSION", "INSTALLED", "BUNDLES", "BY"));
        for (Feature f : s.all.values()) {
            boolean installed = s.installed.contains(f.name);
            row(sb, String.format("%-32s %-16s %-9s %-7d %s", f.name, f.version, installed ? "yes" : "no",
                    s.bundleCount(f.name), installed ? String.join(",", s.why.get(f.name)) : ""));
        }
        if (!s.bundles.isEmpty()) {
            sb.append('\n');
            row(sb, String.format("%-40s %-9s %s", "BUNDLE", "STATE", "FEATURES"));
            for (Map.Entry<Feature.BundleId, List<String>> e : s.bundles.entrySet()) {
                Bundle b = manager.bundle(e.getKey());
                StringBuilder by = new StringBuilder();
                for (String n : e.getValue()) {
                    List<String> why = s.why.get(n);
                    by.append(by.length() == 0 ? "" : ", ").append(n);
                    List<String> includers = why.stream()
                            .filter(w -> !w.equals(FeatureManager.BOOT) && !w.equals(FeatureManager.OPERATOR)).toList();
                    if (!includers.isEmpty()) {
                        by.append(" (by ").append(String.join(",", includers)).append(')');
                    }
                }
                row(sb, String.format("%-40s %-9s %s", e.getKey().artifact, state(b), by));
            }
        }
        return sb.toString();
    }

    private static void row(StringBuilder sb, String line) {
        sb.append(line.stripTrailing()).append('\n');
    }

    private static String state(Bundle b) {
        if (b == null) {
            return "missing";
        }
        switch (b.getState()) {
            case Bundle.ACTIVE: return "Active";
            case Bundle.RESOLVED: return "Resolved";
            case Bundle.INSTALLED: return "Installed";
            case Bundle.STARTING: return "Starting";
            case Bundle.STOPPING: return "Stopping";
            default: return "Uninstalled";
        }
    }

    @Descriptor("installs a feature (and the features it includes) from the system folder and starts its bundles")
    public String install(@Descriptor("feature name, e.g. srv6-behavior-end") String name) {
        manager.install(name);
        return "feature " + name + " installed";
    }

    @Descriptor("uninstalls a feature: the bundles it alone brought leave; refused for a feature another installed feature includes")
    public String uninstall(
            @Descriptor("keep the features it includes installed, each as a feature of its own")
            @Parameter(names = {"-k", "--keep-members"}, presentValue = "true", absentValue = "false") boolean keepMembers,
            @Descriptor("feature name") String name) {
        Feature f = manager.features().get(name);
        boolean members = f != null && !f.includes.isEmpty();
        List<String> kept = manager.uninstall(name, keepMembers);
        return "feature " + name + " uninstalled" + (keepMembers && members ? "; its features stay installed" : "")
                + (kept.isEmpty() ? "" : "; kept " + String.join(", ", kept) + ", used by another installed feature");
    }
}
