package org.srv6.appliance.core.internal.engine;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import io.netty.buffer.ByteBuf;

import org.junit.After;
import org.junit.Before;
import org.junit.Test;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;
import org.srv6.appliance.api.behavior.DropReason;
import org.srv6.appliance.api.behavior.Verdict;
import org.srv6.appliance.core.internal.log.CoreLog;

/**
 * A failing behavior instance or a failure on the packet path costs only its packet: counted as
 * {@code internal} (globally and against the SID) and logged with the SID, the ingress port and
 * the cause, at most one line a second per cause however many packets fail.
 */
public class EngineLogTest {
    private static final int PACKETS = 200;

    private final EngineRig rig = new EngineRig(1);
    private final List<String> lines = new ArrayList<>();

    @Before
    public void captureLog() {
        Logger logger = (Logger) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Logger.class},
                (proxy, m, args) -> {
                    if (m.getName().equals("error") && args != null) {
                        synchronized (lines) {
                            lines.add(args[0] + " " + (args.length > 1 ? Arrays.deepToString(
                                    args[1] instanceof Object[] a ? a : new Object[] {args[1]}) : ""));
                        }
                    }
                    return m.getReturnType() == boolean.class ? Boolean.TRUE : null;
                });
        CoreLog.bind((LoggerFactory) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {LoggerFactory.class}, (proxy, m, args) -> m.getName().equals("getLogger") ? logger : null));
    }

    @After
    public void close() {
        CoreLog.bind(null);
        rig.close();
    }

    private void sendToSid() throws InterruptedException {
        List<ByteBuf> frames = new ArrayList<>();
        for (int i = 0; i < PACKETS; i++) {
            ByteBuf f = EngineRig.toSid();
            frames.add(f);
            rig.rt.execute(0, () -> rig.engine.onFrame(0, rig.in, f));
        }
        rig.drain(0);
        for (ByteBuf f : frames) {
            assertEquals("every frame released", 0, f.refCnt());
        }
    }

    private List<String> logged() {
        synchronized (lines) {
            return new ArrayList<>(lines);
        }
    }

    private static void assertNamesSidPortAndCause(String line, String cause) {
        assertTrue("the SID in " + line, line.contains("fc00::7/128"));
        assertTrue("the ingress port in " + line, line.contains("in0"));
        assertTrue("the exception in " + line, line.contains(cause));
    }

    /** The packet path still forwards: a datagram to a static neighbor behind the out port leaves. */
    private void assertStillForwards() throws InterruptedException {
        rig.engine.setStatic(2, Neighbor.V4, (EngineRig.OUT_ADDR + 5) & 0xffff_ffffL, 0x02_00_00_00_05_05L);
        int before = rig.out.sent.get();
        ByteBuf f = EngineRig.udp4(EngineRig.OUT_ADDR + 5);
        rig.rt.execute(0, () -> rig.engine.onFrame(0, rig.in, f));
        rig.drain(0);
        assertEquals("forwarded after the failures", before + 1, rig.out.sent.get());
    }

    @Test
    public void aThrowingInstanceIsCountedAndLoggedOncePerSecondWithSidPortAndCause() throws Exception {
        rig.sid.instance = ctx -> {
            throw new IllegalStateException("broken behavior");
        };
        long start = System.nanoTime();
        sendToSid();
        long took = System.nanoTime() - start;
        assertEquals("internal drops", PACKETS, rig.engine.drops(DropReason.INTERNAL));
        assertEquals("SID errors", PACKETS, rig.sid.counters.errors.sum());
        assertEquals("SID packets", PACKETS, rig.sid.counters.packets.sum());
        List<String> l = logged();
        assertTrue("at least one line, at most one per second started: " + l,
                !l.isEmpty() && l.size() <= 1 + took / 1_000_000_000L);
        assertNamesSidPortAndCause(l.get(0), "IllegalStateException: broken behavior");
        assertStillForwards();
    }

    @Test
    public void aFailureAfterTheVerdictIsCountedAndLoggedWithTheSid() throws Exception {
        rig.sid.instance = ctx -> {
            ctx.l3 = ctx.buf.capacity() - 4; // an output the forwarder cannot read
            ctx.outPort = 2;
            return Verdict.FORWARD_NH6;
        };
        sendToSid();
        assertEquals("internal drops", PACKETS, rig.engine.drops(DropReason.INTERNAL));
        assertEquals("ingress port drops", PACKETS, rig.in.rxDropped.sum());
        List<String> l = logged();
        assertTrue("one line: " + l, l.size() >= 1);
        assertNamesSidPortAndCause(l.get(0), "IndexOutOfBoundsException");
        assertStillForwards();
    }

    @Test
    public void noVerdictIsCountedAndLogged() throws Exception {
        rig.sid.instance = ctx -> null;
        sendToSid();
        assertEquals(PACKETS, rig.engine.drops(DropReason.INTERNAL));
        List<String> l = logged();
        assertTrue("a line naming the SID and port: " + l,
                !l.isEmpty() && l.get(0).contains("fc00::7/128") && l.get(0).contains("in0"));
        assertStillForwards();
    }
}
