package org.srv6.appliance.core.internal.log;

import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;

/**
 * The core's log: the OSGi Log Service when the runtime has one (the appliance writes it to
 * {@code var/log/srv6.log}), else standard error (unit tests). Never called per packet except
 * through a {@link RateLimitedLog}.
 */
public final class CoreLog {
    private static volatile Logger logger;

    private CoreLog() {
    }

    /** Called by the core component when the runtime's logger factory arrives or leaves ({@code null}). */
    public static void bind(LoggerFactory factory) {
        logger = factory == null ? null : factory.getLogger("org.srv6.appliance.core");
    }

    public static void info(String message) {
        Logger l = logger;
        if (l != null) {
            l.info(message);
        } else {
            System.err.println("srv6: INFO " + message);
        }
    }

    public static void warn(String message) {
        Logger l = logger;
        if (l != null) {
            l.warn(message);
        } else {
            System.err.println("srv6: WARN " + message);
        }
    }

    public static void error(String message, Throwable t) {
        Logger l = logger;
        if (l != null) {
            if (t == null) {
                l.error(message);
            } else {
                l.error(message + ": {}", t.toString(), t);
            }
        } else {
            System.err.println("srv6: ERROR " + message + (t == null ? "" : ": " + t));
            if (t != null) {
                t.printStackTrace();
            }
        }
    }
}
