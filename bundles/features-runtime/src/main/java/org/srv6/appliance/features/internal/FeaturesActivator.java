package org.srv6.appliance.features.internal;

import java.nio.file.Path;
import java.util.Hashtable;
import java.util.List;

import org.osgi.framework.BundleActivator;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;

/**
 * Applies the boot features at start and offers the {@code feature:*} commands. A plain activator,
 * not a DS component: this bundle is part of the startup set and must work before SCR is up.
 */
public final class FeaturesActivator implements BundleActivator {
    private ServiceRegistration<FeatureCommands> registration;

    @Override
    public void start(BundleContext context) {
        String home = context.getProperty("srv6.home");
        if (home == null) {
            System.err.println("srv6-features-runtime: srv6.home is not set; expected the appliance home folder as a framework property");
            return;
        }
        FeatureManager manager = new FeatureManager(context, Path.of(home));
        List<String> errors = manager.boot(context.getProperty(FeatureManager.BOOT_PROPERTY));
        for (String e : errors) {
            System.err.println("srv6-features-runtime: " + e);
        }
        Hashtable<String, Object> props = new Hashtable<>();
        // always typed with their scope: the shells look bare names up in gogo, then felix
        // (SCOPE = gogo:felix:*), so a bare `uninstall ID` stays the bundle command
        props.put("osgi.command.scope", "feature");
        props.put("osgi.command.function", new String[] {"list", "install", "uninstall"});
        registration = context.registerService(FeatureCommands.class, new FeatureCommands(manager), props);
    }

    @Override
    public void stop(BundleContext context) {
        if (registration != null) {
            registration.unregister();
            registration = null;
        }
    }
}
