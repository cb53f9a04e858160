package org.srv6.appliance.admin.internal;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Timer;
import java.util.TimerTask;
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
 * framework has started and the saved configuration has been replayed (the boot replay's
 * {@code ConfigReplay} service is there, or 60 s have passed; framework property
 * {@code srv6.admin.replayWait} in seconds):
 * the socket answering means the boot (startup bundles, boot features, configuration) is complete,
 * which is what {@code bin/srv6 start} waits for. The socket path is the framework
 * property {@code srv6.admin.socket}, else {@code ${srv6.home}/var/srv6.sock}; the secret is
 * {@code admin.secret} in the same directory.
 */
@Header(name = Constants.BUNDLE_ACTIVATOR, value = "${@class}")
public final class AdminActivator implements BundleActivator {

    /** Framework property overriding the socket path. */
    public static final String SOCKET_PROPERTY = "srv6.admin.socket";

    /** The service the boot replay registers when the saved configuration has been applied (by name: no import). */
    static final String REPLAY_SERVICE = "org.srv6.appliance.api.dataplane.ConfigReplay";
    /** Framework property: seconds to wait for the replay before the socket opens anyway (default 60). */
    public static final String REPLAY_WAIT_PROPERTY = "srv6.admin.replayWait";

    private ServiceTracker<CommandProcessor, AdminServer> tracker;
    private final AtomicBoolean opened = new AtomicBoolean();
    private FrameworkListener startedListener;
    private ServiceTracker<Object, Object> replay;
    private volatile Timer replayTimeout;

    @Override
    public void start(BundleContext context) {
        tracker = tracker(context, socketPath(context));
        long waitSeconds = replayWait(context);
        // the socket answers once the framework has started and the saved configuration is applied
        replay = new ServiceTracker<>(context, REPLAY_SERVICE, null) {
            @Override
            public Object addingService(org.osgi.framework.ServiceReference<Object> ref) {
                if (started(context)) {
                    AdminActivator.this.openSocket(); // not ServiceTracker.open()
                }
                return ref;
            }
        };
        startedListener = event -> {
            if (event.getType() == FrameworkEvent.STARTED) {
                afterStart(context, waitSeconds);
            }
        };
        context.addFrameworkListener(startedListener);
        replay.open();
        // installed or restarted into a running framework: no STARTED event will come
        if (started(context)) {
            afterStart(context, waitSeconds);
        }
    }

    private static boolean started(BundleContext context) {
        return context.getBundle(Constants.SYSTEM_BUNDLE_LOCATION).getState() == Bundle.ACTIVE;
    }

    private void afterStart(BundleContext context, long waitSeconds) {
        if (!replay.isEmpty() || waitSeconds <= 0) {
            openSocket();
            return;
        }
        Timer t = new Timer("srv6-admin-replay-wait", true);
        replayTimeout = t;
        t.schedule(new TimerTask() {
            @Override
            public void run() {
                if (!opened.get()) {
                    AdminLog.warn("the saved configuration was not replayed within " + waitSeconds
                            + " s; opening the admin socket anyway (see srv6:config status)");
                    openSocket();
                }
            }
        }, waitSeconds * 1000);
        if (!replay.isEmpty()) {
            openSocket();
        }
    }

    private void openSocket() {
        if (opened.compareAndSet(false, true)) {
            Timer t = replayTimeout;
            if (t != null) {
                t.cancel();
            }
            tracker.open();
        }
    }

    private static long replayWait(BundleContext context) {
        String v = context.getProperty(REPLAY_WAIT_PROPERTY);
        try {
            return v == null || v.isBlank() ? 60 : Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            AdminLog.warn(REPLAY_WAIT_PROPERTY + "=" + v + " is not a number of seconds; using 60");
            return 60;
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
        Timer t = replayTimeout;
        if (t != null) {
            t.cancel();
        }
        replay.close();
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
