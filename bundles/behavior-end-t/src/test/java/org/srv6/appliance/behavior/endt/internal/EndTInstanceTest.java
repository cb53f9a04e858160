package org.srv6.appliance.behavior.endt.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;
import static org.srv6.appliance.testkit.Packets.padN;
import static org.srv6.appliance.testkit.Packets.unhex;

import java.util.Arrays;
import java.util.List;
import java.util.Random;

import org.junit.After;
import org.junit.Test;
import org.srv6.appliance.api.behavior.BehaviorException;
import org.srv6.appliance.api.behavior.BehaviorInstance;
import org.srv6.appliance.api.behavior.DropReason;
import org.srv6.appliance.api.behavior.PacketContext;
import org.srv6.appliance.api.behavior.Verdict;
import org.srv6.appliance.testkit.Ipv6Builder;
import org.srv6.appliance.testkit.PacketHarness;
import org.srv6.appliance.testkit.Packets;
import org.srv6.appliance.testkit.TestBehaviorContext;

public class EndTInstanceTest {
    static final byte[] PAYLOAD = unhex("0001000200080000");

    private final PacketHarness harness = new PacketHarness();
    private final PacketContext ctx = harness.ctx;

    /** IPv6 (fc00::1 -> dst) + SRH (SL sl over fc00::3, fc00::2, fc00::100, tag, PadN) + UDP-ish payload. */
    static Ipv6Builder packet(int sl, String dst) {
        return Packets.ipv6("fc00::1", dst).srh(Packets.srh(sl).segments("fc00::3", "fc00::2", "fc00::100")
                .tag(0x1234).tlvs(padN(8))).payload(Packets.PROTO_UDP, PAYLOAD);
    }

    static Ipv6Builder packet(int sl) {
        return packet(sl, "fc00::100");
    }

    @After
    public void release() {
        harness.close();
    }

    private static BehaviorInstance endT(String... tokens) throws BehaviorException {
        EndTBehavior b = new EndTBehavior();
        return b.create(b.parse(List.of(tokens)), new TestBehaviorContext());
    }

    @Test
    public void s16NewDestinationLookedUpInTableT() throws Exception {
        harness.load(packet(2));
        assertEquals(Verdict.FORWARD, endT("table", "100").process(ctx));
        assertEquals(100, ctx.table);
        assertEquals(packet(1, "fc00::2").hex(), harness.l3Hex());
    }

    @Test
    public void tableMainIs254() throws Exception {
        harness.load(packet(2));
        ctx.inTable = 7;
        assertEquals(Verdict.FORWARD, endT("table", "main").process(ctx));
        assertEquals(254, ctx.table);
    }

    @Test
    public void tableIsRequiredAndVrftableIsNotAccepted() {
        for (List<String> bad : List.of(List.<String>of(), List.of("vrftable", "100"), List.of("table", "x"))) {
            try {
                new EndTBehavior().parse(bad);
                fail("accepted " + bad);
            } catch (BehaviorException e) {
                assertTrue(e.getMessage(), e.getMessage().startsWith("End.T"));
            }
        }
    }

    @Test
    public void s02SegmentsLeftZeroIsLocal() throws Exception {
        harness.load(packet(0));
        String before = harness.l3Hex();
        assertEquals(Verdict.LOCAL, endT("table", "100").process(ctx));
        assertEquals(before, harness.l3Hex());
    }

    @Test
    public void s05HopLimitOneGetsTimeExceededBeforeRewrite() throws Exception {
        harness.load(packet(2).hopLimit(1));
        String before = harness.l3Hex();
        assertEquals(Verdict.ICMP_ERROR, endT("table", "100").process(ctx));
        assertEquals(3, ctx.icmpType);
        assertEquals(DropReason.HOP_LIMIT, ctx.dropReason);
        assertEquals(before, harness.l3Hex());
    }

    @Test
    public void malformedSrhGetsParameterProblem() throws Exception {
        harness.load(packet(4));
        assertEquals(Verdict.ICMP_ERROR, endT("table", "100").process(ctx));
        assertEquals(4, ctx.icmpType);
        assertEquals(43, ctx.icmpParam);
        assertEquals(DropReason.SRH_MALFORMED, ctx.dropReason);
    }

    @Test
    public void noSrhIsDropped() throws Exception {
        harness.load(Packets.ipv6("fc00::1", "fc00::100").payload(Packets.PROTO_UDP, PAYLOAD));
        assertEquals(Verdict.DROP, endT("table", "100").process(ctx));
        assertEquals(DropReason.NO_SRH, ctx.dropReason);
    }

    @Test
    public void pspPopsTheSrhAndLooksUpInTableT() throws Exception {
        harness.load(packet(1));
        assertEquals(Verdict.FORWARD, endT("table", "100", "flavors", "psp").process(ctx));
        assertEquals(100, ctx.table);
        assertEquals(Packets.ipv6("fc00::1", "fc00::3").payload(Packets.PROTO_UDP, PAYLOAD).hex(), harness.l3Hex());
    }

    @Test
    public void uspRemovesTheSrhAtSegmentsLeftZeroAndGoesLocal() throws Exception {
        harness.load(packet(0));
        assertEquals(Verdict.LOCAL, endT("table", "100", "flavors", "usp").process(ctx));
        assertEquals(Packets.ipv6("fc00::1", "fc00::100").payload(Packets.PROTO_UDP, PAYLOAD).hex(), harness.l3Hex());
    }

    @Test
    public void usdDecapsulatesTheInnerIpv6PacketIntoTableT() throws Exception {
        Ipv6Builder inner = Packets.ipv6("2001:db8::1", "2001:db8::2").udp(1, 2, PAYLOAD);
        harness.load(Packets.ipv6("fc00::1", "fc00::100").srh(0, "fc00::100").ipv6(inner));
        assertEquals(Verdict.FORWARD, endT("table", "100", "flavors", "usd").process(ctx));
        assertEquals(100, ctx.table);
        assertEquals(inner.hex(), harness.l3Hex());
    }

    @Test
    public void nextCsidShiftsTheNextCsidInAndLooksUpInTableT() throws Exception {
        harness.load(Packets.ipv6("fc00::1", "fc00:0:100:200:300::").nextHeader(Packets.PROTO_ROUTING)
                .payloadLength(0x48).payload(Packets.PROTO_UDP, PAYLOAD));
        assertEquals(Verdict.FORWARD, endT("table", "100", "flavors", "next-csid").process(ctx));
        assertEquals(100, ctx.table);
        assertEquals("fc000000020003000000000000000000", harness.hexAt(24, 16));
    }

    @Test
    public void nextCsidWithLongerBlockShiftsAfterIt() throws Exception {
        harness.load(Packets.ipv6("fc00::1", "fc00:0:1:100:200::").srh(1, "fc00::9").udp(1, 2, PAYLOAD));
        assertEquals(Verdict.FORWARD, endT("table", "100", "flavors", "next-csid", "lblen", "48", "nflen", "16").process(ctx));
        assertEquals("fc000000000102000000000000000000", harness.hexAt(24, 16));
        assertEquals(100, ctx.table);
    }

    @Test
    public void nextCsidLastCsidFallsBackToTheSrh() throws Exception {
        harness.load(packet(2, "fc00:0:300::"));
        assertEquals(Verdict.FORWARD, endT("table", "100", "flavors", "next-csid").process(ctx));
        assertEquals("fc000000000000000000000000000002", harness.hexAt(24, 16));
        assertEquals(100, ctx.table);
    }

    @Test(expected = BehaviorException.class)
    public void nextCsidLengthsMustBeMultiplesOfEight() throws Exception {
        endT("table", "100", "flavors", "next-csid", "lblen", "30");
    }

    @Test
    public void canonicalText() throws Exception {
        EndTBehavior b = new EndTBehavior();
        assertEquals("table 100 flavors psp,usd", b.parse(List.of("flavors", "usd,psp", "table", "100")).text());
    }

    @Test
    public void randomMutationsNeverThrow() throws Exception {
        byte[] good = packet(2).bytes();
        BehaviorInstance[] all = {endT("table", "100"), endT("table", "100", "flavors", "psp"),
                endT("table", "100", "flavors", "usp"), endT("table", "100", "flavors", "usd"),
                endT("table", "100", "flavors", "next-csid")};
        Random r = new Random(8986);
        for (int i = 0; i < 5000; i++) {
            byte[] m = Arrays.copyOf(good, r.nextInt(good.length + 1));
            for (int k = r.nextInt(6); k >= 0 && m.length > 0; k--) {
                m[r.nextInt(m.length)] = (byte) r.nextInt(256);
            }
            harness.load(m);
            assertNotNull(all[i % all.length].process(ctx));
        }
    }
}
