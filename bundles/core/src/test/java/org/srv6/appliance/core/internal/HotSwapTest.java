package org.srv6.appliance.core.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.Before;
import org.junit.Test;
import org.srv6.appliance.api.behavior.DropReason;
import org.srv6.appliance.api.dataplane.DataplaneException;
import org.srv6.appliance.api.dataplane.MemoryPort;
import org.srv6.appliance.api.dataplane.RouteSpec;
import org.srv6.appliance.api.dataplane.SidInfo;
import org.srv6.appliance.core.internal.control.Provider;
import org.srv6.appliance.testkit.Packets;

/** SPEC §5 at unit level: behaviors come and go while the SID configuration stays. */
public class HotSwapTest extends DataplaneTestSupport {
    private static final String SID = "fc00::1";
    private static final String NEXT = "fc00::2";
    private static final RouteSpec SID_ROUTE = new RouteSpec(6, SID + "/128", null, "p1", 254, 0, "seg6local", "End",
            List.of());

    @Before
    public void nextSegmentRoute() throws Exception {
        dp.routes().add(new RouteSpec(6, NEXT + "/128", HOST1, "p1", 254, 0, null, null, null));
    }

    private static Provider provider(TestEndBehavior b, long serviceId, int ranking) {
        return new Provider("End", "ENDPOINT", b, serviceId, ranking, 10 + serviceId, "test.end", "1.0." + serviceId);
    }

    private static byte[] toSid(int seq) {
        return fromHost0(Packets.ETH_IPV6, Packets.ipv6(HOST0, SID).hopLimit(64).srh(Packets.srh(1).segments(NEXT, SID))
                .udp(7, seq, Packets.fill(10, seq)).bytes());
    }

    private static byte[] forwarded(int seq) {
        return Packets.ethernet(HOST1_MAC, P1_MAC, Packets.ETH_IPV6, Packets.ipv6(HOST0, NEXT).hopLimit(63)
                .srh(Packets.srh(0).segments(NEXT, SID)).udp(7, seq, Packets.fill(10, seq)).bytes());
    }

    /** Packets to the SID from a thread of its own, one every 0.2 ms, until closed. */
    private final class Traffic implements AutoCloseable {
        final AtomicInteger injected = new AtomicInteger();
        private final AtomicBoolean stop = new AtomicBoolean();
        private final Thread thread = new Thread(() -> {
            while (!stop.get()) {
                p0.inject(toSid(injected.incrementAndGet() & 0xffff));
                try {
                    Thread.sleep(0, 200_000);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });

        Traffic() {
            thread.start();
        }

        @Override
        public void close() throws InterruptedException {
            stop.set(true);
            thread.join();
        }
    }

    /** @return how many frames {@code p} sent, polled until none comes for a second */
    private static int countSent(MemoryPort p) throws InterruptedException {
        int out = 0;
        while (p.poll(1000) != null) {
            out++;
        }
        return out;
    }

    private SidInfo sid() {
        List<SidInfo> l = dp.sr().sids();
        assertEquals("SIDs: " + l, 1, l.size());
        return l.get(0);
    }

    @Test
    public void sidBecomesInactiveWhenItsBehaviorLeavesAndResumesWithCountersWhenItReturns() throws Exception {
        TestEndBehavior first = new TestEndBehavior();
        dp.behaviors().addProvider(provider(first, 1, 0));
        dp.routes().add(SID_ROUTE);
        p0.inject(toSid(1));
        assertFrame("forwarded through the SID", forwarded(1), poll(p1));
        assertTrue("active", sid().active());
        assertEquals("packets", 1, sid().packets());

        dp.behaviors().removeProvider(1);
        assertFalse("inactive once the behavior left", sid().active());
        await("the instance closed", () -> first.closed() == 1, 2000);
        p0.inject(toSid(2));
        awaitDrop(DropReason.BEHAVIOR_ABSENT, 1);
        assertNothingSent(p1, 100);
        assertEquals("packets counted while absent", 2, sid().packets());
        assertEquals("drops counted while absent", 1, sid().drops());
        assertTrue("configuration kept: " + dp.config().running() + " / " + dp.sr().sids(), sid().keyword().equals("End"));

        TestEndBehavior again = new TestEndBehavior();
        dp.behaviors().addProvider(provider(again, 2, 0));
        assertTrue("active again", sid().active());
        assertEquals("re-created from the stored text", 1, again.instances.size());
        p0.inject(toSid(3));
        assertFrame("traffic resumes", forwarded(3), poll(p1));
        assertEquals("packets continue", 3, sid().packets());
        assertEquals("drops kept", 1, sid().drops());
        assertEquals("the first behavior never ran after its close", 0, first.usedAfterClose.get());
    }

    @Test
    public void replacedInstanceIsClosedOnlyAfterTheSwapWhileTrafficFlows() throws Exception {
        TestEndBehavior old = new TestEndBehavior();
        dp.behaviors().addProvider(provider(old, 1, 0));
        dp.routes().add(SID_ROUTE);
        Traffic traffic = new Traffic();
        try (traffic) {
            await("traffic through the old instance", () -> old.processed() > 50, 3000);
            // A higher-ranked provider of the same keyword takes over (bundle update).
            TestEndBehavior updated = new TestEndBehavior();
            dp.behaviors().addProvider(provider(updated, 2, 5));
            await("traffic through the new instance", () -> updated.processed() > 50, 3000);
            await("the old instance closed", () -> old.closed() == 1, 3000);
            assertEquals("the new instance is not closed", 0, updated.closed());
            assertEquals("the old instance was not used after close", 0, old.usedAfterClose.get());
        }
        int n = traffic.injected.get();
        int out = countSent(p1);
        assertEquals("every packet forwarded across the swap, none dropped: " + dp.counters().drops(), n, out);
        assertEquals("SID packets", n, sid().packets());
        assertEquals("SID drops", 0, sid().drops());
    }

    @Test
    public void deletedSidClosesItsInstanceAndStopsMatching() throws Exception {
        TestEndBehavior end = new TestEndBehavior();
        dp.behaviors().addProvider(provider(end, 1, 0));
        dp.routes().add(SID_ROUTE);
        dp.routes().delete(new RouteSpec(6, SID + "/128", null, null, 254, 0, null, null, null));
        await("the instance closed", () -> end.closed() == 1, 2000);
        assertTrue(dp.sr().sids().isEmpty());
        byte[] frame = toSid(1);
        p0.inject(frame);
        assertFrame("no route to the former SID",
                icmp6ErrorToHost0(P0_ADDR, 1, 0, 0, Packets.slice(frame, 14, frame.length - 14)),
                poll(p0));
    }

    @Test
    public void sidForAbsentBehaviorIsRejectedWithUnknownBehavior() throws Exception {
        dp.behaviors().addProvider(provider(new TestEndBehavior(), 1, 0));
        List<String> before = dp.config().running();
        try {
            dp.routes().add(new RouteSpec(6, "fc00::9/128", null, "p1", 254, 0, "seg6local", "End.Q", List.of()));
            fail("a SID for End.Q was accepted");
        } catch (DataplaneException e) {
            assertTrue(e.getMessage(), e.getMessage().startsWith("unknown behavior"));
            assertTrue("names the installed behaviors: " + e.getMessage(), e.getMessage().contains("End"));
            assertFalse("one line", e.getMessage().contains("\n"));
        }
        assertTrue("no SID added: " + dp.sr().sids(), dp.sr().sids().isEmpty());
        assertEquals(before, dp.config().running());
    }

    /** A control plane does not know what is installed: its SID of an absent behavior is held inactive, not refused. */
    @Test
    public void learntSidOfAnAbsentBehaviorIsHeldInactiveUntilItRegisters() throws Exception {
        List<String> before = dp.config().running();
        dp.routes().replace(SID_ROUTE.withProto("static"));
        assertFalse("inactive while End is absent", sid().active());
        p0.inject(toSid(1));
        awaitDrop(DropReason.BEHAVIOR_ABSENT, 1);
        assertEquals("a learnt route is not saved", before, dp.config().running());
        TestEndBehavior end = new TestEndBehavior();
        dp.behaviors().addProvider(provider(end, 1, 0));
        assertTrue("active once End registered", sid().active());
        p0.inject(toSid(2));
        assertFrame("forwarded", forwarded(2), poll(p1));
    }

    @Test
    public void behaviorLeavingWhileTrafficFlowsNeverRunsAClosedInstance() throws Exception {
        TestEndBehavior end = new TestEndBehavior();
        dp.behaviors().addProvider(provider(end, 1, 0));
        dp.routes().add(SID_ROUTE);
        Traffic traffic = new Traffic();
        try (traffic) {
            await("traffic through the instance", () -> end.processed() > 50, 3000);
            dp.behaviors().removeProvider(1);
            await("packets counted behavior-absent", () -> drop(DropReason.BEHAVIOR_ABSENT) > 50, 3000);
            await("the instance closed", () -> end.closed() == 1, 3000);
        }
        int n = traffic.injected.get();
        int out = countSent(p1);
        assertEquals("the closed instance was never run", 0, end.usedAfterClose.get());
        assertEquals("forwarded by the instance", end.processed(), out);
        assertEquals("every packet forwarded or counted behavior-absent", n, out + drop(DropReason.BEHAVIOR_ABSENT));
        assertEquals("SID packets", n, sid().packets());
    }

    @Test
    public void whenTheServingProviderLeavesTheNextOneTakesOver() throws Exception {
        TestEndBehavior low = new TestEndBehavior();
        TestEndBehavior high = new TestEndBehavior();
        dp.behaviors().addProvider(provider(low, 1, 0));
        dp.behaviors().addProvider(provider(high, 2, 10));
        dp.routes().add(SID_ROUTE);
        assertEquals("the higher ranking serves", 1, high.instances.size());
        assertEquals(0, low.instances.size());
        p0.inject(toSid(1));
        assertFrame("through the high-ranked instance", forwarded(1), poll(p1));
        dp.behaviors().removeProvider(2);
        assertTrue("still active", sid().active());
        p0.inject(toSid(2));
        assertFrame("through the other provider", forwarded(2), poll(p1));
        assertEquals(1, low.processed());
        await("the high-ranked instance closed", () -> high.closed() == 1, 2000);
        assertEquals("behaviors lists the serving provider's bundle", 11L,
                dp.sr().behaviors().stream().filter(b -> b.keyword().equals("End")).findFirst().orElseThrow().bundleId());
    }

    /**
     * A provider whose bundle may come back (an update) keeps its instance running until the new one
     * takes over; a provider whose bundle then goes for good makes the SID inactive at once.
     */
    @Test
    public void aProviderThatMayComeBackKeepsServingUntilItsBundleIsGone() throws Exception {
        TestEndBehavior old = new TestEndBehavior();
        dp.behaviors().addProvider(provider(old, 1, 0));
        dp.routes().add(SID_ROUTE);
        dp.behaviors().removeProvider(1, true);
        assertTrue("still active while its bundle may come back", sid().active());
        p0.inject(toSid(1));
        assertFrame("still forwarded by the old instance", forwarded(1), poll(p1));

        TestEndBehavior updated = new TestEndBehavior();
        dp.behaviors().addProvider(provider(updated, 2, 0));
        assertEquals("the new provider took over", 1, updated.instances.size());
        await("the old instance closed", () -> old.closed() == 1, 2000);
        p0.inject(toSid(2));
        assertFrame("forwarded by the new instance", forwarded(2), poll(p1));
        assertEquals(1, updated.processed());

        dp.behaviors().removeProvider(2, true);
        assertTrue(sid().active());
        dp.behaviors().bundleGone(99);
        assertTrue("another bundle's departure changes nothing", sid().active());
        dp.behaviors().bundleGone(12);
        assertFalse("inactive once its bundle is gone", sid().active());
        await("the instance closed", () -> updated.closed() == 1, 2000);
    }

    /** SPEC §5: the configuration replayed at boot may name behaviors that register later. */
    @Test
    public void replayAcceptsSidsOfBehaviorsThatRegisterLater() throws Exception {
        org.srv6.appliance.core.internal.config.ConfigStore.write(configFile,
                List.of("ip -6 route add fc00::1 encap seg6local action End dev p1"));
        List<String> errors = new java.util.ArrayList<>();
        assertTrue(dp.config().replayOnce(line -> {
            try {
                dp.routes().add(SID_ROUTE);
                return null;
            } catch (DataplaneException e) {
                errors.add(e.getMessage());
                return e.getMessage();
            }
        }));
        assertEquals("replay errors", List.of(), errors);
        assertFalse("inactive until End registers", sid().active());
        p0.inject(toSid(1));
        awaitDrop(DropReason.BEHAVIOR_ABSENT, 1);
        TestEndBehavior end = new TestEndBehavior();
        dp.behaviors().addProvider(provider(end, 1, 0));
        assertTrue("active once End registered", sid().active());
        p0.inject(toSid(2));
        assertFrame("forwarded", forwarded(2), poll(p1));
        try {
            dp.routes().add(new RouteSpec(6, "fc00::8/128", null, "p1", 254, 0, "seg6local", "End.Z", List.of()));
            fail("outside a replay a SID of an absent behavior is rejected");
        } catch (DataplaneException e) {
            assertTrue(e.getMessage(), e.getMessage().startsWith("unknown behavior End.Z"));
        }
    }
}
