package org.srv6.appliance.admin.internal;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.felix.service.command.CommandProcessor;
import org.osgi.annotation.bundle.Header;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleActivator;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.FrameworkListener;
import org.osgi.util.tracker.ServiceTracker;

/**
 * Serves the admin socket while a Gogo {@link CommandProcessor} is available, from the moment the
 * framework has started: the socket answering means the boot (startup bundles and boot features)
 * is complete, which is what {@code bin/srv6 start} waits for. The socket path is the framework
 * property {@code srv6.admin.socket}, else {@code ${srv6.home}/var/srv6.sock}; the secret is
 * {@code admin.secret} in the same directory.
 */
@Header(name = Constants.BUNDLE_ACTIVATOR, value = "${@class}")
public final class AdminActivator implements BundleActivator {

    /** Framework property overriding the socket path. */
    public static final String SOCKET_PROPERTY = "srv6.admin.socket";

    private ServiceTracker<CommandProcessor, AdminServer> tracker;
    private final AtomicBoolean opened = new AtomicBoolean();
    private FrameworkListener startedListener;

    @Override
    public void start(BundleContext context) {
        tracker = tracker(context, socketPath(context));
        startedListener = event -> {
            if (event.getType() == FrameworkEvent.STARTED) {
                open();
            }
        };
        context.addFrameworkListener(startedListener);
        // installed or restarted into a running framework: no STARTED event will come
        if (context.getBundle(Constants.SYSTEM_BUNDLE_LOCATION).getState() == Bundle.ACTIVE) {
            open();
        }
    }

    private void open() {
        if (opened.compareAndSet(false, true)) {
            tracker.open();
        }
    }

    private static ServiceTracker<CommandProcessor, AdminServer> tracker(BundleContext context, Path socket) {
        return new ServiceTracker<>(context, CommandProcessor.class, null) {
            @Override
            public AdminServer addingService(org.osgi.framework.ServiceReference<CommandProcessor> ref) {
                CommandProcessor processor = context.getService(ref);
                if (processor == null) {
                    return null;
                }
                // one server per appliance: a second processor is tracked but not served
                if (getTrackingCount() > 0 && !isEmpty()) {
                    return new AdminServer(socket, processor);
                }
                AdminServer server = new AdminServer(socket, processor);
                try {
                    server.start();
                } catch (java.io.IOException e) {
                    AdminLog.error("admin socket " + socket + " cannot be opened", e);
                }
                return server;
            }

            @Override
            public void removedService(org.osgi.framework.ServiceReference<CommandProcessor> ref, AdminServer server) {
                server.close();
                context.ungetService(ref);
            }
        };
    }

    @Override
    public void stop(BundleContext context) {
        context.removeFrameworkListener(startedListener);
        if (opened.get()) {
            tracker.close();
        }
    }

    static Path socketPath(BundleContext context) {
        String explicit = context.getProperty(SOCKET_PROPERTY);
        if (explicit != null && !explicit.isBlank()) {
            return Paths.get(explicit.trim());
        }
        String home = context.getProperty("srv6.home");
        if (home == null || home.isBlank()) {
            home = System.getProperty("user.dir");
        }
        return Paths.get(home, "var", "srv6.sock");
    }
}
