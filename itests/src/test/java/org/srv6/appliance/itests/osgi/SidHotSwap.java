package org.srv6.appliance.itests.osgi;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;
import static org.srv6.appliance.itests.osgi.OsgiTestSupport.bundleNamed;
import static org.srv6.appliance.itests.osgi.OsgiTestSupport.service;
import static org.srv6.appliance.itests.osgi.OsgiTestSupport.sid;
import static org.srv6.appliance.itests.osgi.OsgiTestSupport.waitFor;

import java.util.List;
import java.util.Map;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.srv6.appliance.api.dataplane.Counters;
import org.srv6.appliance.api.dataplane.MemoryPort;
import org.srv6.appliance.api.dataplane.SrService;

/**
 * The hot-swap cycle of the ITs whose cases are one SID each on memory ports: the behavior's
 * bundle uninstalled (its SID inactive, its probes counted behavior-absent, the others and End
 * still forwarding), installed again (the probes forwarded, the counters going on), then no
 * buffer held and no leak reported. How a forwarded frame is checked is the IT's own.
 */
final class SidHotSwap {
    /** A frame injected on the input port, the port it leaves by and the frame expected there. */
    record Probe(String what, byte[] frame, String port, byte[] expected) {
    }

    /** A behavior's bundle, its SID and the probes of that SID. */
    record Case(String keyword, String artifact, String sid, List<String> params, List<Probe> probes) {
    }

    /** Checks that a probe's frame is forwarded as expected. */
    interface Check {
        void forwarded(String at, Probe p) throws Exception;
    }

    private final BundleContext context;
    private final Map<String, Case> cases;
    private final Probe toEnd;
    private final MemoryPort in;
    private final Map<String, MemoryPort> ports;
    private final LeakWatch leaks;
    private final int cycles;
    private final Check check;

    SidHotSwap(BundleContext context, Map<String, Case> cases, Probe toEnd, MemoryPort in, Map<String, MemoryPort> ports,
            LeakWatch leaks, int cycles, Check check) {
        this.context = context;
        this.cases = cases;
        this.toEnd = toEnd;
        this.in = in;
        this.ports = ports;
        this.leaks = leaks;
        this.cycles = cycles;
        this.check = check;
    }

    void swap(String keyword) throws Exception {
        assertEquals("paranoid", System.getProperty("io.netty.leakDetection.level"));
        Case c = cases.get(keyword);
        SrService sr = service(context, SrService.class, null, 10_000);
        Counters counters = service(context, Counters.class, null, 10_000);
        assertNotNull("the core's services are not registered", counters);
        assertTrue(keyword + " SID inactive before the swap", sid(sr, c.sid()).active());
        everyoneForwards(null);

        for (int cycle = 0; cycle < cycles; cycle++) {
            String at = keyword + ", cycle " + cycle + ": ";
            long packets = sid(sr, c.sid()).packets();
            Bundle b = bundleNamed(context, c.artifact());
            assertNotNull(at + "no bundle " + c.artifact(), b);
            String location = b.getLocation();

            b.uninstall();
            waitFor(at + "SID inactive", 10_000, () -> !sid(sr, c.sid()).active());
            long absent = counters.drops().getOrDefault("behavior-absent", 0L);
            for (Probe p : c.probes()) {
                in.inject(p.frame());
                assertNull(at + p.what() + ": a packet to an inactive SID left the appliance", ports.get(p.port()).poll(200));
            }
            long expectedAbsent = absent + c.probes().size();
            waitFor(at + "behavior-absent drops counted", 5_000,
                    () -> counters.drops().getOrDefault("behavior-absent", 0L) == expectedAbsent);
            everyoneForwards(keyword);

            b = context.installBundle(location);
            b.start();
            assertEquals(at + "reinstalled under another name", c.artifact(), b.getSymbolicName());
            waitFor(at + "SID active again", 10_000, () -> sid(sr, c.sid()).active());
            for (Probe p : c.probes()) {
                check.forwarded(at, p);
            }
            assertTrue(at + "SID counters restarted", sid(sr, c.sid()).packets() >= packets + c.probes().size());
            everyoneForwards(null);
        }

        waitFor("every buffer released", 5_000, () -> counters.buffersHeld() == 0);
        // the leak detector reports what was collected on the next allocations
        for (int i = 0; i < 5; i++) {
            System.gc();
            Thread.sleep(50);
            check.forwarded(keyword + ": ", toEnd);
        }
        assertEquals("Netty reported leaks", List.of(), leaks.reports());
    }

    /** The End SID and every behavior but {@code absent} forward their frames. */
    private void everyoneForwards(String absent) throws Exception {
        String at = absent == null ? "" : "while " + absent + " is absent: ";
        check.forwarded(at, toEnd);
        for (Case c : cases.values()) {
            if (!c.keyword().equals(absent)) {
                for (Probe p : c.probes()) {
                    check.forwarded(at, p);
                }
            }
        }
    }
}
