package org.srv6.appliance.core.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.junit.Before;
import org.junit.Test;
import org.srv6.appliance.api.behavior.AbstractBehavior;
import org.srv6.appliance.api.behavior.Attribute;
import org.srv6.appliance.api.behavior.Attributes;
import org.srv6.appliance.api.behavior.BehaviorContext;
import org.srv6.appliance.api.behavior.BehaviorInstance;
import org.srv6.appliance.api.behavior.BehaviorType;
import org.srv6.appliance.api.behavior.PacketContext;
import org.srv6.appliance.api.behavior.Verdict;
import org.srv6.appliance.api.behavior.BehaviorDescriptor;
import org.srv6.appliance.api.behavior.BehaviorKind;
import org.srv6.appliance.api.behavior.DropReason;
import org.srv6.appliance.api.dataplane.BehaviorInfo;
import org.srv6.appliance.api.dataplane.DataplaneException;
import org.srv6.appliance.api.dataplane.MemoryPort;
import org.srv6.appliance.api.dataplane.RouteGrammar;
import org.srv6.appliance.api.dataplane.RouteInfo;
import org.srv6.appliance.api.dataplane.RouteSpec;
import org.srv6.appliance.api.dataplane.SidInfo;
import org.srv6.appliance.core.internal.control.Provider;
import org.srv6.appliance.testkit.Packets;

/**
 * The core's side of proxy SIDs (draft-ietf-spring-sr-service-programming §6.2-6.4) with a test
 * proxy ({@link TestProxyBehavior}): counters per direction, the instance's status, a service port
 * that is deleted and added again, a port claimed twice, and a SID replayed at boot before its port
 * exists. The service side is the memory port {@code pxi} (returning traffic) and p1 (to the service).
 */
public class ProxySidTest extends DataplaneTestSupport {
    private static final String SID = "fc00::50";
    private static final String SID2 = "fc00::51";
    private static final String PX_MAC = "02:00:00:00:aa:07";
    private static final String SERVICE_MAC = "02:00:00:00:07:02";
    private static final String SERVICE = "2001:db8:1::9";
    private static final int L3 = 40 + 8 + 8;

    @Before
    public void proxyBehavior() {
        dp.behaviors().addProvider(new Provider("End.PX", "ENDPOINT", new TestProxyBehavior(), 70, 0, 70, "test.px",
                "1.0.0"));
        dp.behaviors().addProvider(new Provider("End", "ENDPOINT", new TestEndBehavior(), 71, 0, 71, "test.end",
                "1.0.0"));
    }

    private MemoryPort addPort(String name) throws DataplaneException {
        MemoryPort m = dp.ports().addMemory(name);
        dp.ports().setMac(name, PX_MAC);
        return m;
    }

    private static RouteSpec sid(String sid, String... params) {
        return new RouteSpec(6, sid + "/128", null, "p0", 254, 0, "seg6local", "End.PX", List.of(params));
    }

    private SidInfo info(String sid) {
        return dp.sr().sids().stream().filter(i -> i.sid().equals(sid) || i.sid().equals(sid + "/128")).findFirst()
                .orElseThrow(() -> new AssertionError("no SID " + sid + " in " + dp.sr().sids()));
    }

    private RouteInfo route(String sid) {
        return dp.routes().list(6, 254).stream().filter(r -> r.text().startsWith(sid + " ")).findFirst()
                .orElseThrow(() -> new AssertionError("no route " + sid));
    }

    private static byte[] toSid() {
        return fromHost0(Packets.ETH_IPV6, udp6Packet(HOST0, SID, 64, 8));
    }

    /** What the service sends back, to {@code dst}, on a port with {@link #PX_MAC}. */
    private static byte[] fromService(String dst) {
        return Packets.ethernet(PX_MAC, SERVICE_MAC, Packets.ETH_IPV6, udp6Packet(SERVICE, dst, 64, 8));
    }

    private static void assertCounters(SidInfo i, long packets, long bytes, long drops, long fromPackets,
            long fromBytes, long fromDrops) {
        assertEquals("to-service / from-service counters of " + i,
                List.of(packets, bytes, drops, fromPackets, fromBytes, fromDrops),
                List.of(i.packets(), i.bytes(), i.drops(), i.fromPackets(), i.fromBytes(), i.fromDrops()));
    }

    @Test
    public void aProxySidCountsWhatGoesToItsServiceAndWhatComesBackApartAndShowsItsStatus() throws Exception {
        MemoryPort pxi = addPort("pxi");
        dp.routes().add(sid(SID, "oif", "p1", "iif", "pxi"));
        dp.routes().add(new RouteSpec(6, "fc00::60/128", null, "p0", 254, 0, "seg6local", "End", List.of()));
        long notForUs = drop(DropReason.NOT_FOR_US);

        for (int i = 0; i < 2; i++) {
            p0.inject(toSid());
            assertFrame("to the service, out oif", toSid(), poll(p1));
        }
        for (int i = 0; i < 2; i++) {
            pxi.inject(fromService(TestProxyBehavior.TAKEN));
            assertFrame("taken back, out dev", fromService(TestProxyBehavior.TAKEN), poll(p0));
        }
        pxi.inject(fromService("2001:db8:78::1")); // the instance refuses it
        awaitDrop(DropReason.NOT_FOR_US, notForUs + 1);
        assertNothingSent(p0, 100);

        SidInfo i = info(SID);
        assertTrue("active", i.active());
        assertTrue("a proxy: it claims pxi", i.proxy());
        assertCounters(i, 2, 2 * L3, 0, 3, 3 * L3, 1);
        assertEquals("the instance's status", "2 taken back", i.status());

        RouteInfo r = route(SID);
        assertTrue(r.proxy());
        assertEquals(List.of(2L, 2L * L3, 0L, 3L, 3L * L3, 1L),
                List.of(r.packets(), r.bytes(), r.errors(), r.fromPackets(), r.fromBytes(), r.fromErrors()));

        SidInfo end = info("fc00::60");
        assertFalse("an ordinary SID is no proxy", end.proxy());
        assertNull("and has no status", end.status());
    }

    @Test
    public void aSecondSidClaimingTheSameServicePortIsRefusedWithOneLine() throws Exception {
        MemoryPort pxi = addPort("pxi");
        dp.routes().add(sid(SID, "oif", "p1", "iif", "pxi"));
        List<String> running = dp.config().running();
        try {
            dp.routes().add(sid(SID2, "oif", "p1", "iif", "pxi"));
            fail("a second SID claimed pxi");
        } catch (DataplaneException e) {
            assertEquals("port pxi already takes the returning traffic of SID fc00::50 (End.PX); one proxy SID per "
                    + "service port", e.getMessage());
        }
        assertEquals("one SID", 1, dp.sr().sids().size());
        assertEquals("nothing changed", running, dp.config().running());

        // replacing the SID that claims the port keeps the claim
        dp.routes().replace(sid(SID, "oif", "p1", "iif", "pxi"));
        pxi.inject(fromService(TestProxyBehavior.TAKEN));
        assertFrame("still taken back", fromService(TestProxyBehavior.TAKEN), poll(p0));
        assertEquals(1, info(SID).fromPackets());

        // another port is another service
        addPort("pxj");
        dp.routes().add(sid(SID2, "oif", "p1", "iif", "pxj"));
        assertTrue(info(SID2).active());
    }

    @Test
    public void aDeletedServicePortMakesItsSidInactiveUntilAPortOfThatNameIsAddedAgain() throws Exception {
        MemoryPort pxi = addPort("pxi");
        dp.routes().add(sid(SID, "oif", "p1", "iif", "pxi"));
        p0.inject(toSid());
        assertFrame("to the service", toSid(), poll(p1));
        pxi.inject(fromService(TestProxyBehavior.TAKEN));
        assertFrame("taken back", fromService(TestProxyBehavior.TAKEN), poll(p0));
        String text = route(SID).text();

        dp.ports().delete("pxi");
        SidInfo gone = info(SID);
        assertFalse("inactive without its port", gone.active());
        assertEquals("port pxi (iif) absent", gone.status());
        assertEquals("the SID's line is kept as it was", text, route(SID).text());
        assertTrue("shown per direction while inactive", gone.proxy());
        p0.inject(toSid());
        awaitDrop(DropReason.PORT_ABSENT, 1);
        assertNothingSent(p1, 100);
        assertEquals("behavior-absent is for bundles", 0, drop(DropReason.BEHAVIOR_ABSENT));

        // a port that comes next has a new index: nothing claims it, its packet is routed (no route:
        // Destination Unreachable to the sender, which p1 reaches)
        dp.neighbors().add(SERVICE, SERVICE_MAC, "p1");
        MemoryPort other = addPort("pxz");
        other.inject(fromService(TestProxyBehavior.TAKEN));
        assertEquals("unclaimed: Destination Unreachable", 1, poll(p1)[14 + 40] & 0xff);
        assertNothingSent(p0, 100);

        pxi = addPort("pxi");
        SidInfo back = info(SID);
        assertTrue("active again", back.active());
        assertEquals("a new instance from the stored text", "0 taken back", back.status());
        p0.inject(toSid());
        assertFrame("to the service again", toSid(), poll(p1));
        pxi.inject(fromService(TestProxyBehavior.TAKEN));
        assertFrame("taken back from the new pxi", fromService(TestProxyBehavior.TAKEN), poll(p0));
        other.inject(fromService(TestProxyBehavior.TAKEN));
        assertEquals("still unclaimed", 1, poll(p1)[14 + 40] & 0xff);
        assertNothingSent(p0, 100);
        assertCounters(info(SID), 3, 3 * L3, 1, 2, 2 * L3, 0);
        assertEquals("the SID's line is kept as it was", text, route(SID).text());
    }

    /** End.X oif and End.DX2 oif: a port named only as oif goes and comes back the same way. */
    @Test
    public void aSidWhoseOifIsDeletedIsInactiveUntilThePortComesBack() throws Exception {
        MemoryPort pxo = addPort("pxo");
        dp.routes().add(sid(SID, "oif", "pxo"));
        p0.inject(toSid());
        assertFrame("out oif", toSid(), poll(pxo));

        dp.ports().delete("pxo");
        assertEquals("port pxo (oif) absent", info(SID).status());
        p0.inject(toSid());
        awaitDrop(DropReason.PORT_ABSENT, 1);

        pxo = addPort("pxo");
        assertTrue(info(SID).active());
        assertNull("no status: it claims nothing", info(SID).status());
        p0.inject(toSid());
        assertFrame("out the new oif", toSid(), poll(pxo));
        SidInfo i = info(SID);
        assertFalse("no proxy", i.proxy());
        assertCounters(i, 3, 3 * L3, 1, 0, 0, 0);
    }

    @Test
    public void aSidNamingAPortThatDoesNotExistIsRefusedWhenTyped() {
        try {
            dp.routes().add(sid(SID, "oif", "p1", "iif", "pxnone"));
            fail("accepted a SID naming an absent port");
        } catch (DataplaneException e) {
            assertEquals("unknown port pxnone (iif); expected an existing port name (ports: p0, p1)", e.getMessage());
        }
        assertTrue(dp.sr().sids().isEmpty());
    }

    @Test
    public void atBootASidWhosePortComesLaterWaitsInactiveAndIsNotRejected() throws Exception {
        String line = "ip -6 route add " + SID + " encap seg6local action End.PX oif p1 iif pxl dev p0";
        Files.write(configFile, List.of(line));
        List<String> errors = new ArrayList<>();
        assertTrue(dp.config().replayOnce(l -> {
            try {
                List<String> w = new ArrayList<>(Arrays.asList(l.trim().split("\\s+")));
                dp.routes().add(RouteGrammar.parse(w.subList(4, w.size()), 6));
                return null;
            } catch (DataplaneException | RuntimeException e) {
                errors.add(e.getMessage());
                return e.getMessage();
            }
        }));
        assertEquals("nothing rejected", List.of(), errors);
        assertFalse(".rejected", Files.exists(configFile.resolveSibling("srv6.conf.rejected")));
        SidInfo i = info(SID);
        assertFalse(i.active());
        assertEquals("port pxl (iif) absent", i.status());
        p0.inject(toSid());
        awaitDrop(DropReason.PORT_ABSENT, 1);

        MemoryPort pxl = addPort("pxl");
        assertTrue("active once its port exists", info(SID).active());
        pxl.inject(fromService(TestProxyBehavior.TAKEN));
        assertFrame("taken back", fromService(TestProxyBehavior.TAKEN), poll(p0));
        assertCounters(info(SID), 1, L3, 1, 1, L3, 0);
    }

    /**
     * Two SIDs naming the same service port, replayed while their behavior is absent: when it
     * registers, the first configured takes the port and the second waits (port-claimed) until the
     * port is free again.
     */
    @Test
    public void whenTheBehaviorArrivesLateTheFirstSidTakesThePortAndTheSecondWaitsForIt() throws Exception {
        dp.behaviors().removeProvider(70);
        MemoryPort pxi = addPort("pxi");
        Files.write(configFile, List.of(
                "ip -6 route add " + SID + " encap seg6local action End.PX oif p1 iif pxi dev p0",
                "ip -6 route add " + SID2 + " encap seg6local action End.PX oif p1 iif pxi dev p0"));
        assertTrue(dp.config().replayOnce(l -> {
            try {
                List<String> w = new ArrayList<>(Arrays.asList(l.trim().split("\\s+")));
                dp.routes().add(RouteGrammar.parse(w.subList(4, w.size()), 6));
                return null;
            } catch (DataplaneException e) {
                return e.getMessage();
            }
        }));
        assertFalse(info(SID).active());
        assertFalse(info(SID2).active());

        dp.behaviors().addProvider(new Provider("End.PX", "ENDPOINT", new TestProxyBehavior(), 72, 0, 72, "test.px",
                "1.0.0"));
        assertTrue("the first configured takes pxi", info(SID).active());
        SidInfo second = info(SID2);
        assertFalse(second.active());
        assertEquals("port pxi claimed by SID fc00::50 (End.PX)", second.status());
        p0.inject(fromHost0(Packets.ETH_IPV6, udp6Packet(HOST0, SID2, 64, 8)));
        awaitDrop(DropReason.PORT_CLAIMED, 1);
        pxi.inject(fromService(TestProxyBehavior.TAKEN));
        assertFrame("taken back by the first", fromService(TestProxyBehavior.TAKEN), poll(p0));
        assertEquals(1, info(SID).fromPackets());

        dp.routes().delete(new RouteSpec(6, SID + "/128", null, null, 254, 0, null, null, null));
        assertTrue("the second takes the freed port", info(SID2).active());
        pxi.inject(fromService(TestProxyBehavior.TAKEN));
        assertFrame("taken back by the second", fromService(TestProxyBehavior.TAKEN), poll(p0));
        assertCounters(info(SID2), 1, L3, 1, 1, L3, 0);
    }

    /** Steering would take a service port's input before the proxy (l2 modes) or never see it: refused both ways. */
    @Test
    public void aServicePortTakesNoSteeringAndASteeredPortIsNoServicePort() throws Exception {
        dp.behaviors().addProvider(new Provider("encap", "TRANSIT", ScriptedBehavior.transit(
                ctx -> ctx.drop(DropReason.NOT_FOR_US)), 74, 0, 74, "test.tmode", "1.0.0"));
        addPort("pxi");
        addPort("pxs");
        dp.routes().add(sid(SID, "oif", "p1", "iif", "pxi"));
        try {
            dp.sr().addSteer("pxi", "encap", List.of("segs", "fc00::1"));
            fail("steered a service port");
        } catch (DataplaneException e) {
            assertEquals("port pxi takes the returning traffic of SID fc00::50 (End.PX); a proxy's service port takes "
                    + "no steering", e.getMessage());
        }
        assertTrue(dp.sr().steers().isEmpty());

        dp.sr().addSteer("pxs", "encap", List.of("segs", "fc00::1"));
        try {
            dp.routes().add(sid(SID2, "oif", "p1", "iif", "pxs"));
            fail("a steered port became a service port");
        } catch (DataplaneException e) {
            assertEquals("port pxs is steered (ip sr steer iif pxs mode encap); a proxy's service port takes no "
                    + "steering: ip sr steer del iif pxs first", e.getMessage());
        }
        assertEquals(1, dp.sr().sids().size());
    }

    /** A status of several lines is shown on one; one that throws does not stop the listing. */
    @BehaviorType(behavior = "End.ST")
    static final class StatusBehavior extends AbstractBehavior {
        StatusBehavior() {
            super(d -> d.definition("status (test)").reference("none").optional(Attribute.TABLE));
        }

        @Override
        protected BehaviorInstance instance(Attributes a, BehaviorContext c) {
            boolean throwing = a.has(Attribute.TABLE);
            return new BehaviorInstance() {
                @Override
                public Verdict process(PacketContext ctx) {
                    return ctx.drop(DropReason.NOT_FOR_US);
                }

                @Override
                public String status() {
                    if (throwing) {
                        throw new IllegalStateException("broken status");
                    }
                    return "  learnt\n   3s ago ";
                }
            };
        }
    }

    @Test
    public void aStatusIsOneLineAndAFailingOneDoesNotStopTheListing() throws Exception {
        dp.behaviors().addProvider(new Provider("End.ST", "ENDPOINT", new StatusBehavior(), 73, 0, 73, "test.st",
                "1.0.0"));
        dp.routes().add(new RouteSpec(6, "fc00::70/128", null, "p0", 254, 0, "seg6local", "End.ST", List.of()));
        dp.routes().add(new RouteSpec(6, "fc00::71/128", null, "p0", 254, 0, "seg6local", "End.ST",
                List.of("table", "100")));
        assertEquals("learnt 3s ago", info("fc00::70").status());
        assertEquals("status unavailable", info("fc00::71").status());
    }

    /** srv6:behaviors: the syntax of a proxy's descriptor (End.AS's attributes) reads as SPEC §2 writes it. */
    @Test
    public void behaviorsShowAProxysSyntax() {
        BehaviorInfo px = dp.sr().behaviors().stream().filter(b -> b.keyword().equals("End.PX")).findFirst()
                .orElseThrow();
        assertEquals("oif PORT [iif PORT] [count]", px.syntax());
        BehaviorDescriptor endAs = BehaviorDescriptor.builder("End.AS", BehaviorKind.ENDPOINT)
                .oneOf(Attribute.NH6, Attribute.NH4).required(Attribute.OIF, Attribute.IIF, Attribute.SRC, Attribute.SEGS)
                .build();
        assertEquals("nh6 ADDRESS | nh4 ADDRESS oif PORT iif PORT src ADDRESS segs S1,...,Sn [count]", endAs.syntax());
        BehaviorDescriptor endAm = BehaviorDescriptor.builder("End.AM", BehaviorKind.ENDPOINT)
                .required(Attribute.NH6, Attribute.OIF, Attribute.IIF).build();
        assertEquals("nh6 ADDRESS oif PORT iif PORT [count]", endAm.syntax());
    }
}
