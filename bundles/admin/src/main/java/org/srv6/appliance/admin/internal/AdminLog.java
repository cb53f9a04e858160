package org.srv6.appliance.admin.internal;

import java.util.function.Consumer;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.ServiceReference;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;

/**
 * The admin bundle's log: the OSGi Log Service, looked up at each call (the admin bundle logs
 * only the rare failure), else standard error when there is no framework (unit tests).
 */
final class AdminLog {

    private AdminLog() {
    }

    static void warn(String message) {
        if (!log(l -> l.warn(message))) {
            System.err.println("srv6-admin: WARN " + message);
        }
    }

    static void error(String message, Throwable t) {
        if (!log(l -> l.error(message + ": {}", String.valueOf(t), t))) {
            System.err.println("srv6-admin: ERROR " + message + ": " + t);
        }
    }

    /** @return false when there is no log service to write to */
    private static boolean log(Consumer<Logger> entry) {
        Bundle bundle = FrameworkUtil.getBundle(AdminLog.class);
        BundleContext context = bundle == null ? null : bundle.getBundleContext();
        if (context == null) {
            return false;
        }
        try {
            ServiceReference<LoggerFactory> ref = context.getServiceReference(LoggerFactory.class);
            LoggerFactory factory = ref == null ? null : context.getService(ref);
            if (factory == null) {
                return false;
            }
            try {
                entry.accept(factory.getLogger("org.srv6.appliance.admin"));
            } finally {
                context.ungetService(ref);
            }
            return true;
        } catch (IllegalStateException e) {
            // the bundle is stopping
            return false;
        }
    }
}
