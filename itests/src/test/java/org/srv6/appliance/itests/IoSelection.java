package org.srv6.appliance.itests;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * What this run of the integration tests selects, from the test JVM's system properties (each
 * failsafe execution of itests/pom.xml sets them):
 * <ul>
 * <li>{@code srv6.io} ({@code auto}, {@code io_uring}, {@code epoll}): the appliance's I/O
 * backend. Every appliance the tests start gets it: a copied home in its
 * {@code etc/srv6.properties} ({@link #configure}), which {@code bin/srv6 start}, {@code console},
 * a moved home and a restart all read, and which the launcher turns into the framework property
 * the core reads ({@code bundleContext.getProperty("srv6.io")}); the pax-exam runtime as a
 * framework property.</li>
 * <li>{@code srv6.it.ports} ({@code tap}, {@code packet}): the kind of port the kernel
 * differential tests give the appliance (TAPs moved to the hosts, or AF_PACKET ports on veths).</li>
 * </ul>
 */
public final class IoSelection {

    /** The backends {@code srv6.io} may name. */
    public static final List<String> BACKENDS = List.of("auto", "io_uring", "epoll");
    /** The port kinds {@code srv6.it.ports} may name. */
    public static final List<String> PORTS = List.of("tap", "packet");

    private IoSelection() {
    }

    /** The backend this run selects, or null when none is (the appliance's default applies). */
    public static String io() {
        String io = System.getProperty("srv6.io");
        if (io == null || io.isBlank()) {
            return null;
        }
        io = io.strip();
        if (!BACKENDS.contains(io)) {
            throw new IllegalStateException("srv6.io=" + io + " is none of " + BACKENDS);
        }
        return io;
    }

    /** Whether the kernel differential tests run with AF_PACKET ports on veths instead of TAPs. */
    public static boolean packetPorts() {
        String ports = System.getProperty("srv6.it.ports", "tap").strip();
        if (!PORTS.contains(ports)) {
            throw new IllegalStateException("srv6.it.ports=" + ports + " is none of " + PORTS);
        }
        return ports.equals("packet");
    }

    /** Appends {@code srv6.io=BACKEND} to the copied home's etc/srv6.properties when this run selects one. */
    public static void configure(Path home) throws IOException {
        String io = io();
        if (io != null) {
            Files.writeString(home.resolve("etc/srv6.properties"), "\n# the integration tests' backend\nsrv6.io=" + io + "\n",
                    StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        }
    }
}
