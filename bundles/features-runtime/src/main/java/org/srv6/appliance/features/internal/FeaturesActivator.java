package org.srv6.appliance.features.internal;

import java.nio.file.Path;
import java.util.Hashtable;
import java.util.List;

import org.osgi.framework.BundleActivator;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.log.LoggerFactory;

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
            log(context, "srv6.home is not set; expected the appliance home folder as a framework property");
            return;
        }
        FeatureManager manager = new FeatureManager(context, Path.of(home));
        List<String> errors = manager.boot(context.getProperty(FeatureManager.BOOT_PROPERTY));
        for (String e : errors) {
            log(context, e);
        }
        Hashtable<String, Object> props = new Hashtable<>();
        // always typed with their scope: the shells look bare names up in gogo, then felix
        // (SCOPE = srv6:gogo:felix:*), so a bare `uninstall ID` stays the bundle command
        props.put("osgi.command.scope", "feature");
        props.put("osgi.command.function", new String[] {"list", "install", "uninstall"});
        registration = context.registerService(FeatureCommands.class, new FeatureCommands(manager), props);
    }

    /** An error through the OSGi Log Service (always present in the appliance: a startup bundle before this one). */
    private static void log(BundleContext context, String message) {
        ServiceReference<LoggerFactory> ref = context.getServiceReference(LoggerFactory.class);
        LoggerFactory factory = ref == null ? null : context.getService(ref);
        if (factory == null) {
            // a framework without a log service (a bare test runtime): the message must still be seen
            System.err.println("srv6-features-runtime: " + message);
            return;
        }
        try {
            factory.getLogger("org.srv6.appliance.features").error(message);
        } finally {
            context.ungetService(ref);
        }
    }

    @Override
    public void stop(BundleContext context) {
        if (registration != null) {
            registration.unregister();
            registration = null;
        }
    }
}
