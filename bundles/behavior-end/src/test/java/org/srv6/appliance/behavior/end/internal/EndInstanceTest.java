package org.srv6.appliance.behavior.end.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
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
import org.srv6.appliance.testkit.Ipv4Builder;
import org.srv6.appliance.testkit.Ipv6Builder;
import org.srv6.appliance.testkit.PacketHarness;
import org.srv6.appliance.testkit.Packets;
import org.srv6.appliance.testkit.TestBehaviorContext;

public class EndInstanceTest {
    /** 8 bytes of UDP-ish payload after the SRH. */
    static final byte[] PAYLOAD = unhex("0001000200080000");

    private final PacketHarness harness = new PacketHarness();
    private final PacketContext ctx = harness.ctx;

    /**
     * IPv6 (fc00::1 -> {@code dst}) + SRH (SL {@code sl}, list fc00::3, fc00::2, fc00::100 from
     * Segment List[0], tag 0x1234, PadN TLV) + {@link #PAYLOAD}.
     */
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

    private String l3() {
        return harness.l3Hex();
    }

    private static BehaviorInstance end(String... tokens) throws BehaviorException {
        EndBehavior b = new EndBehavior();
        return b.create(b.parse(List.of(tokens)), new TestBehaviorContext());
    }

    @Test
    public void segmentsLeftDecrementedAndDestinationUpdatedWithTagAndTlvsPreserved() throws Exception {
        harness.load(packet(2));
        assertEquals(Verdict.FORWARD, end().process(ctx));
        assertEquals(254, ctx.table);
        assertEquals(packet(1, "fc00::2").hex(), l3());
    }

    @Test
    public void malformedSrhGetsParameterProblemPointingAtSegmentsLeft() throws Exception {
        harness.load(packet(4));
        assertEquals(Verdict.ICMP_ERROR, end().process(ctx));
        assertEquals(4, ctx.icmpType);
        assertEquals(0, ctx.icmpCode);
        assertEquals(43, ctx.icmpParam);
        assertEquals(DropReason.SRH_MALFORMED, ctx.dropReason);
    }

    @Test
    public void segmentsLeftZeroIsLocal() throws Exception {
        harness.load(packet(0));
        String before = l3();
        assertEquals(Verdict.LOCAL, end().process(ctx));
        assertEquals(before, l3());
    }

    @Test
    public void hopLimitOneGetsTimeExceededBeforeRewrite() throws Exception {
        harness.load(packet(2).hopLimit(1));
        String before = l3();
        assertEquals(Verdict.ICMP_ERROR, end().process(ctx));
        assertEquals(3, ctx.icmpType);
        assertEquals(0, ctx.icmpCode);
        assertEquals(before, l3());
    }

    @Test
    public void noSrhIsDropped() throws Exception {
        harness.load(Packets.ipv6("fc00::1", "fc00::100").payload(Packets.PROTO_UDP, PAYLOAD));
        assertEquals(Verdict.DROP, end().process(ctx));
        assertEquals(DropReason.NO_SRH, ctx.dropReason);
    }

    @Test
    public void pspRemovesSrhWhenSegmentsLeftReachesZero() throws Exception {
        harness.load(packet(1));
        assertEquals(Verdict.FORWARD, end("flavors", "psp").process(ctx));
        assertEquals(Packets.ipv6("fc00::1", "fc00::3").payload(Packets.PROTO_UDP, PAYLOAD).hex(), l3());
        assertEquals(ctx.l3 - 14, harness.buf().readerIndex());
    }

    @Test
    public void uspRemovesSrhAtSegmentsLeftZeroAndGoesLocal() throws Exception {
        harness.load(packet(0));
        assertEquals(Verdict.LOCAL, end("flavors", "usp").process(ctx));
        assertEquals("600000000008114", l3().substring(0, 15));
    }

    static Ipv4Builder inner4(int ttl) {
        return Packets.ipv4("10.0.0.1", "10.0.2.2").ttl(ttl).udp(7, 9, PAYLOAD);
    }

    @Test
    public void usdAtSegmentsLeftZeroExposesInnerIpv4ForForwarding() throws Exception {
        // RFC 8986 §4.16.3 End S01-S03: NH 4 after the SRH; the inner packet is forwarded (the core decrements TTL).
        harness.load(Packets.ipv6("fc00::1", "fc00::100").srh(0, "fc00::100").ipv4(inner4(64)));
        assertEquals(Verdict.FORWARD, end("flavors", "usd").process(ctx));
        assertEquals(254, ctx.table);
        assertEquals(inner4(64).hex(), l3());
        assertEquals(ctx.l3 - 14, harness.buf().readerIndex());
    }

    @Test
    public void usdWithoutSrhExposesInnerIpv4() throws Exception {
        harness.load(Packets.ipv6("fc00::1", "fc00::100").ipv4(inner4(9)));
        assertEquals(Verdict.FORWARD, end("flavors", "usd").process(ctx));
        assertEquals(inner4(9).hex(), l3());
    }

    @Test
    public void usdWithoutSrhExposesInnerIpv6() throws Exception {
        Ipv6Builder inner = Packets.ipv6("fc01::1", "fc01::2").udp(7, 9, PAYLOAD);
        harness.load(Packets.ipv6("fc00::1", "fc00::100").ipv6(inner));
        assertEquals(Verdict.FORWARD, end("flavors", "usd").process(ctx));
        assertEquals(inner.hex(), l3());
    }

    @Test
    public void usdCutsInnerIpv4ToItsTotalLength() throws Exception {
        byte[] in = inner4(64).bytes();
        byte[] padded = Arrays.copyOf(in, in.length + 6);
        harness.load(Packets.ipv6("fc00::1", "fc00::100").srh(0, "fc00::100").payload(Packets.PROTO_IPV4, padded));
        assertEquals(Verdict.FORWARD, end("flavors", "usd").process(ctx));
        assertEquals(inner4(64).hex(), l3());
    }

    @Test
    public void usdDropsInnerIpv4WithBadChecksum() throws Exception {
        harness.load(Packets.ipv6("fc00::1", "fc00::100").srh(0, "fc00::100").ipv4(inner4(64).checksum(0x1234)));
        assertEquals(Verdict.DROP, end("flavors", "usd").process(ctx));
        assertEquals(DropReason.BAD_CHECKSUM, ctx.dropReason);
    }

    @Test
    public void usdDropsTruncatedInnerIpv4() throws Exception {
        byte[] in = Arrays.copyOf(inner4(64).bytes(), 12);
        harness.load(Packets.ipv6("fc00::1", "fc00::100").srh(0, "fc00::100").payload(Packets.PROTO_IPV4, in));
        assertEquals(Verdict.DROP, end("flavors", "usd").process(ctx));
        assertEquals(DropReason.TRUNCATED, ctx.dropReason);
    }

    @Test
    public void usdDropsInnerOfTheWrongVersion() throws Exception {
        harness.load(Packets.ipv6("fc00::1", "fc00::100").srh(0, "fc00::100")
                .payload(Packets.PROTO_IPV4, Packets.ipv6("fc01::1", "fc01::2").udp(7, 9, PAYLOAD).bytes()));
        assertEquals(Verdict.DROP, end("flavors", "usd").process(ctx));
        assertEquals(DropReason.BAD_IP_VERSION, ctx.dropReason);
    }

    @Test
    public void withoutUsdInnerIpv4WithoutSrhIsStillDropped() throws Exception {
        harness.load(Packets.ipv6("fc00::1", "fc00::100").ipv4(inner4(64)));
        assertEquals(Verdict.DROP, end().process(ctx));
        assertEquals(DropReason.NO_SRH, ctx.dropReason);
    }

    @Test
    public void nextCsidShiftsTheNextCsidIn() throws Exception {
        // Locator block fc00:0000 (32), C-SIDs 0100, 0200, 0300 of 16 bits; the header still says SRH.
        harness.load(Packets.ipv6("fc00::1", "fc00:0:100:200:300::").nextHeader(Packets.PROTO_ROUTING)
                .payloadLength(0x48).payload(Packets.PROTO_UDP, PAYLOAD));
        assertEquals(Verdict.FORWARD, end("flavors", "next-csid").process(ctx));
        assertEquals("fc000000020003000000000000000000", harness.hexAt(24, 16));
    }

    @Test
    public void nextCsidLastCsidFallsBackToSrh() throws Exception {
        harness.load(packet(2, "fc00:0:300::"));
        assertEquals(Verdict.FORWARD, end("flavors", "next-csid").process(ctx));
        assertEquals("fc000000000000000000000000000002", harness.hexAt(24, 16));
    }

    @Test(expected = BehaviorException.class)
    public void nextCsidLengthsMustBeMultiplesOfEight() throws Exception {
        end("flavors", "next-csid", "lblen", "30");
    }

    @Test
    public void randomMutationsNeverThrow() throws Exception {
        byte[] good = packet(2).bytes();
        BehaviorInstance[] all = {end(), end("flavors", "psp"), end("flavors", "usp"), end("flavors", "usd"),
                end("flavors", "next-csid")};
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
