package org.srv6.appliance.itests.osgi;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

import javax.inject.Inject;

import org.junit.After;
import org.junit.Before;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.srv6.appliance.api.dataplane.Counters;
import org.srv6.appliance.api.dataplane.MemoryPort;
import org.srv6.appliance.api.dataplane.RouteService;
import org.srv6.appliance.api.dataplane.RouteSpec;
import org.srv6.appliance.api.dataplane.SrService;
import org.srv6.appliance.testkit.Packets;

/**
 * What the hot-swap ITs (SPEC §5) share: the runtime with the packet builder, Netty's leak reports
 * watched around each test, a topology of memory ports made once per container, and the swap cycle
 * of a behavior's bundle: uninstalled (what it serves inactive, its probes counted behavior-absent,
 * its returns no longer claimed, End and the other behaviors still forwarding), installed again
 * (everything forwarded, its counters going on), then no buffer held and no leak reported. How a
 * forwarded frame is checked is the IT's own ({@link #forwarded}).
 */
public abstract class SidHotSwap extends OsgiTestSupport {
    /** Uninstall and install cycles per behavior. */
    static final int CYCLES = 3;
    /** The sending host, on the input port. */
    static final String HOST = "2001:db8::2";
    static final String HOST_MAC = "02:00:00:00:00:02";
    /** The next hop of fc00:2::/48, on the output port. */
    static final String PEER6 = "2001:db8:1::2";
    static final String PEER6_MAC = "02:00:00:00:01:02";
    /** The IPv4 next hop, on the port after the output port. */
    static final String PEER4 = "10.0.1.2";
    static final String PEER4_MAC = "02:00:00:00:02:02";
    /** The table of End.T, End.DT* and End.S. */
    static final int TABLE = 100;
    static final String END_SID = "fc00:1::1";
    /** Routed via PEER6: End's next segment. */
    static final String NEXT = "fc00:2::1";

    /** A frame injected on port {@code in}, and the frame expected to leave port {@code out} for it. */
    record Probe(String what, String in, byte[] frame, String out, byte[] expected) {
    }

    /** What a behavior serves: its SIDs, or the port it steers; active and counting while its bundle is there. */
    record Target(List<String> sids, String steered) {
        static Target sids(String... sids) {
            return new Target(List.of(sids), null);
        }

        static Target steering(String port) {
            return new Target(List.of(), port);
        }

        /** @return whether every SID (or the steering) is {@code active} */
        boolean all(SrService sr, boolean active) {
            if (steered != null) {
                return steer(sr, steered).active() == active;
            }
            return sids.stream().allMatch(s -> sid(sr, s).active() == active);
        }

        /** @return the packets of the first SID, or of the steering */
        long packets(SrService sr) {
            return steered != null ? steer(sr, steered).packets() : sid(sr, sids.get(0)).packets();
        }

        @Override
        public String toString() {
            return steered != null ? "steering of " + steered : "SID " + String.join(", ", sids);
        }
    }

    /**
     * A behavior under test: its bundle, what it serves, its SID's route parameters (null when the IT
     * routes it itself), the probes counted behavior-absent while it is out, the returns it no longer
     * claims then (nothing leaves, not counted), and how much its counters grow at least per cycle.
     */
    record Case(String keyword, String artifact, Target target, List<String> params, List<Probe> probes,
            List<Probe> returns, int counted) {
        /** One SID routed with {@code params}: its probes are made for the SID, counted one each. */
        static Case sid(String keyword, String artifact, String sid, List<String> params, Function<String, List<Probe>> probes) {
            List<Probe> p = probes.apply(sid);
            return new Case(keyword, artifact, Target.sids(sid), params, p, List.of(), p.size());
        }

        /** The probes, then the returns. */
        List<Probe> all() {
            List<Probe> all = new ArrayList<>(probes);
            all.addAll(returns);
            return all;
        }
    }

    /** What {@link #topology()} made: the behaviors by keyword, the End probe (null: none) and the ports by name. */
    record Topology(Map<String, Case> cases, Probe toEnd, Map<String, MemoryPort> ports) {
    }

    /** A step that may throw. */
    interface Step {
        void run() throws Exception;
    }

    /** Made once per container (per test class); every test swaps one behavior's bundle. */
    private static final Map<Class<?>, Topology> MADE = new ConcurrentHashMap<>();

    @Inject
    BundleContext context;

    final LeakWatch leaks = new LeakWatch();

    @Configuration
    public Option[] config() {
        return new Option[] {runtime(home(getClass().getSimpleName()), "srv6-core"), packetBuilder()};
    }

    @Before
    public void setUp() throws Exception {
        leaks.start();
        if (!MADE.containsKey(getClass())) {
            MADE.put(getClass(), topology());
        }
    }

    @After
    public void release() {
        leaks.stop();
    }

    /** The behaviors and ports under test; none unless the IT makes some. */
    Topology topology() throws Exception {
        return new Topology(Map.of(), null, Map.of());
    }

    final Map<String, Case> cases() {
        return MADE.get(getClass()).cases();
    }

    final MemoryPort port(String name) {
        return MADE.get(getClass()).ports().get(name);
    }

    /** Checks that a probe's frame is forwarded as expected: exactly, unless the IT says otherwise. */
    void forwarded(String at, Probe p) throws Exception {
        exactly(at, p);
    }

    /** Called once the bundle is back and its SIDs active, before anything is forwarded. */
    void reinstalled(String at, Case c, Counters counters) throws Exception {
    }

    /** Called after the cycles, before the leak check. */
    void afterCycles(Case c) throws Exception {
    }

    /** The cycles of {@code keyword}'s bundle, what the IT does then, no buffer held and no leak reported. */
    final void swap(String keyword) throws Exception {
        Case c = cases().get(keyword);
        cycles(c);
        afterCycles(c);
        Probe toEnd = MADE.get(getClass()).toEnd();
        assertNoLeaks(core(context).counters(), () -> {
            for (Probe p : toEnd != null ? List.of(toEnd) : c.all()) {
                forwarded(keyword + ": ", p);
            }
        });
    }

    private void cycles(Case c) throws Exception {
        assertEquals("paranoid", System.getProperty("io.netty.leakDetection.level"));
        String keyword = c.keyword();
        Core core = core(context);
        SrService sr = core.sr();
        Counters counters = core.counters();
        assertTrue(keyword + " " + c.target() + " inactive before the swap", c.target().all(sr, true));
        everyoneForwards(null);

        for (int cycle = 0; cycle < CYCLES; cycle++) {
            String at = keyword + ", cycle " + cycle + ": ";
            long packets = c.target().packets(sr);
            Bundle b = bundleNamed(context, c.artifact());
            assertNotNull(at + "no bundle " + c.artifact(), b);
            String location = b.getLocation();

            b.uninstall();
            waitFor(at + c.target() + " inactive", 10_000, () -> c.target().all(sr, false));
            long absent = absent(counters);
            for (Probe p : c.probes()) {
                port(p.in()).inject(p.frame());
                assertNull(at + p.what() + ": a frame for an absent behavior left " + p.out(), port(p.out()).poll(200));
            }
            long expectedAbsent = absent + c.probes().size();
            waitFor(at + "behavior-absent drops counted", 5_000, () -> absent(counters) == expectedAbsent);
            if (!c.returns().isEmpty()) {
                for (Probe p : c.returns()) {
                    port(p.in()).inject(p.frame());
                    assertNull(at + p.what() + ": a frame the absent behavior no longer claims left " + p.out(),
                            port(p.out()).poll(200));
                }
                drain(c);
            }
            everyoneForwards(keyword);

            b = context.installBundle(location);
            b.start();
            assertEquals(at + "reinstalled under another name", c.artifact(), b.getSymbolicName());
            waitFor(at + c.target() + " active again", 10_000, () -> c.target().all(sr, true));
            reinstalled(at, c, counters);
            for (Probe p : c.all()) {
                forwarded(at, p);
            }
            assertTrue(at + c.target() + " counters go on", c.target().packets(sr) >= packets + c.counted());
            everyoneForwards(null);
        }
    }

    /** The End probe and every behavior but {@code absent} forward their frames. */
    private void everyoneForwards(String absent) throws Exception {
        String at = absent == null ? "" : "while " + absent + " is absent: ";
        Probe toEnd = MADE.get(getClass()).toEnd();
        if (toEnd != null) {
            forwarded(at, toEnd);
        }
        for (Case c : cases().values()) {
            if (!c.keyword().equals(absent)) {
                for (Probe p : c.all()) {
                    forwarded(at, p);
                }
            }
        }
    }

    /**
     * After the returns found nothing to claim them: drops whatever the ports of {@code c} sent
     * meanwhile (e.g. ICMP errors about unclaimed packets), unless the IT names fewer ports.
     */
    void drain(Case c) throws InterruptedException {
        for (Probe p : c.all()) {
            while (port(p.in()).poll(50) != null || port(p.out()).poll(50) != null) {
                // nothing
            }
        }
    }

    /**
     * A stream of the first probe's frame while the bundle is uninstalled and installed again: every
     * frame either leaves exactly as expected or is counted behavior-absent; then all is forwarded.
     */
    final void underTraffic(Case c) throws Exception {
        Probe p = c.probes().get(0);
        MemoryPort in = port(p.in());
        MemoryPort out = port(p.out());
        Core core = core(context);
        Counters counters = core.counters();
        Bundle b = bundleNamed(context, c.artifact());
        String location = b.getLocation();
        long absent = absent(counters);
        int sent = sendWhile(50, () -> in.inject(p.frame()), () -> {
            b.uninstall();
            Thread.sleep(20);
            context.installBundle(location).start();
        });
        waitFor(c.keyword() + " active after the swap under traffic", 10_000, () -> c.target().all(core.sr(), true));
        for (int i = 0; i < 10; i++) { // the stream goes on once the behavior is back
            in.inject(p.frame());
            sent++;
        }
        int forwarded = 0;
        byte[] got;
        while ((got = out.poll(300)) != null) {
            assertEquals(c.keyword() + " under traffic: a forwarded frame", Packets.hex(p.expected()), Packets.hex(got));
            forwarded++;
        }
        int f = forwarded;
        int s = sent;
        waitFor(c.keyword() + " under traffic: " + s + " sent = forwarded " + f + " + behavior-absent "
                + (absent(counters) - absent), 5_000, () -> f + absent(counters) - absent == s);
        assertTrue(c.keyword() + " under traffic: nothing got through", forwarded > 0);
        for (Probe q : c.all()) {
            forwarded(c.keyword() + " after the swap under traffic: ", q);
        }
    }

    /**
     * The bundle updated while {@code p}'s frames flow (make-before-break): every frame leaves exactly
     * as expected, none meets an absent behavior.
     *
     * @return how many frames were sent
     */
    final int updateLosesNothing(Case c, Probe p) throws Exception {
        MemoryPort in = port(p.in());
        MemoryPort out = port(p.out());
        Counters counters = core(context).counters();
        String what = c.keyword() + " update, " + p.what();
        long absent = absent(counters);
        Bundle b = bundleNamed(context, c.artifact());
        int sent = sendWhile(20, () -> in.inject(p.frame()), b::update);
        for (int i = 0; i < sent; i++) {
            byte[] got = out.poll(2_000);
            assertNotNull(what + ": frame " + i + " of " + sent + " was lost", got);
            assertEquals(what + ": frame " + i, Packets.hex(p.expected()), Packets.hex(got));
        }
        assertEquals(what + ": frames met an absent behavior", absent, absent(counters));
        return sent;
    }

    /**
     * Runs {@code action} on another thread while {@code send} runs every millisecond, until the
     * action is done and at least {@code atLeast} were sent.
     *
     * @return how many were sent
     */
    static int sendWhile(int atLeast, Runnable send, Step action) throws InterruptedException {
        Thread t = new Thread(() -> {
            try {
                action.run();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        t.start();
        int sent = 0;
        while (t.isAlive() || sent < atLeast) {
            send.run();
            sent++;
            Thread.sleep(1);
        }
        t.join();
        return sent;
    }

    /**
     * Every buffer released, and no leak reported: the leak detector reports what was collected on
     * the next allocations, so {@code forward} runs after each of a few collections.
     */
    final void assertNoLeaks(Counters counters, Step forward) throws Exception {
        waitFor("every buffer released", 5_000, () -> counters.buffersHeld() == 0);
        for (int i = 0; i < 5; i++) {
            System.gc();
            Thread.sleep(50);
            forward.run();
        }
        assertEquals("Netty reported leaks", List.of(), leaks.reports());
    }

    /** Injects the probe's frame and returns what left its port (asserting that something did). */
    final byte[] left(String at, Probe p) throws InterruptedException {
        port(p.in()).inject(p.frame());
        byte[] got = port(p.out()).poll(2_000);
        assertNotNull(at + p.what() + ": nothing left " + p.out(), got);
        return got;
    }

    /** The frame leaves its port exactly as expected. */
    final void exactly(String at, Probe p) throws InterruptedException {
        assertEquals(at + p.what() + ": frame", Packets.hex(p.expected()), Packets.hex(left(at, p)));
    }

    /**
     * The frame leaves its port as expected but for the source MAC (the router's port's); when
     * {@code routed}, also but for the hop limit or TTL, checked apart as one less than expected's,
     * and the IPv4 header checksum.
     */
    final void butSourceMac(String at, Probe p, boolean routed) throws InterruptedException {
        byte[] got = left(at, p);
        byte[] e = p.expected();
        assertEquals(at + p.what() + ": length", e.length, got.length);
        byte[] g = got.clone();
        byte[] x = e.clone();
        System.arraycopy(x, 6, g, 6, 6);
        if (routed && Packets.ethertype(x) == Packets.ETH_IPV6) {
            assertEquals(at + p.what() + ": hop limit", (x[21] & 0xff) - 1, g[21] & 0xff);
            g[21] = x[21];
        } else if (routed) {
            assertEquals(at + p.what() + ": TTL", (x[22] & 0xff) - 1, g[22] & 0xff);
            g[22] = x[22];
            g[24] = x[24];
            g[25] = x[25];
        }
        assertEquals(at + p.what() + ": frame", Packets.hex(x), Packets.hex(g));
    }

    /**
     * Memory ports {@code names} (hs0, hs1, ...), each up: hs0 (2001:db8:0::1/64) where HOST sends
     * from, hs1 (2001:db8:1::1/64) towards PEER6, the next hop of fc00:2::/48, and when named hs2
     * (10.0.1.1/24) towards PEER4.
     */
    static Map<String, MemoryPort> hostPorts(Core core, String... names) throws Exception {
        Map<String, MemoryPort> p = core.memoryPorts(names);
        core.addresses().add("hs0", "2001:db8:0::1/64");
        core.addresses().add("hs1", "2001:db8:1::1/64");
        core.neighbors().add(PEER6, PEER6_MAC, "hs1");
        core.routes().add(new RouteSpec(6, "fc00:2::/48", PEER6, "hs1", 254, 1024, null, null, null));
        if (p.containsKey("hs2")) {
            core.addresses().add("hs2", "10.0.1.1/24");
            core.neighbors().add(PEER4, PEER4_MAC, "hs2");
        }
        return p;
    }

    /** Routes the SID of each of {@code cases} (seg6local, its parameters) on {@code dev}; @return the cases by keyword */
    static Map<String, Case> routeSids(RouteService routes, String dev, Case... cases) throws Exception {
        Map<String, Case> byKeyword = new LinkedHashMap<>();
        for (Case c : cases) {
            byKeyword.put(c.keyword(), c);
            routes.add(sidRoute(c.target().sids().get(0), dev, c.keyword(), c.params()));
        }
        return byKeyword;
    }

    /**
     * HOST → {@code sid} on hs0 with an SRH (header order) and 8 bytes of payload at SL {@code sl}:
     * the DA becomes the next segment, out of hs1 to PEER6.
     */
    static Probe routed(String what, String inMac, String sid, List<String> segments, int sl) {
        byte[] srh = Packets.cat(Packets.srh(sl).segments(segments.toArray(String[]::new)).bytes(Packets.PROTO_NONE),
                Packets.fill(8, 5));
        byte[] sent = Packets.ethernet(inMac, HOST_MAC, Packets.ETH_IPV6, Packets.ipv6(HOST, sid, Packets.PROTO_ROUTING, 64, 0, srh));
        byte[] expected = sent.clone();
        System.arraycopy(Packets.mac(PEER6_MAC), 0, expected, 0, 6);
        String next = segments.get(sl - 1);
        System.arraycopy(Packets.ip6(next), 0, expected, 38, 16);
        expected[57] = (byte) (sl - 1);
        return new Probe(what + " (" + sid + ")", "hs0", sent, "hs1", expected);
    }
}
