package org.srv6.appliance.features.internal;

import java.util.Map;

import org.apache.felix.service.command.Descriptor;

/** Gogo scope {@code feature}: list, install and uninstall features offline. */
public final class FeatureCommands {
    private final FeatureManager manager;

    FeatureCommands(FeatureManager manager) {
        this.manager = manager;
    }

    @Descriptor("lists the features of the appliance: name, version, installed, bundle count")
    public String list() {
        Map<String, Feature> all = manager.features();
        StringBuilder sb = new StringBuilder(String.format("%-28s %-16s %-9s %s%n", "NAME", "VERSION", "INSTALLED", "BUNDLES"));
        for (Feature f : all.values()) {
            sb.append(String.format("%-28s %-16s %-9s %d%n", f.name, f.version, manager.isInstalled(f.name) ? "yes" : "no", f.bundles.size()));
        }
        return sb.toString();
    }

    @Descriptor("installs a feature's bundles from the system folder and starts them")
    public String install(@Descriptor("feature name, e.g. srv6-behavior-end") String name) {
        manager.install(name);
        return "feature " + name + " installed";
    }

    @Descriptor("uninstalls the bundles of a feature that no other installed feature uses")
    public String uninstall(@Descriptor("feature name") String name) {
        manager.uninstall(name);
        return "feature " + name + " uninstalled";
    }
}
