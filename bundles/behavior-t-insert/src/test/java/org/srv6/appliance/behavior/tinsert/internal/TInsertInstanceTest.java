package org.srv6.appliance.behavior.tinsert.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;

import java.util.List;

import org.junit.After;
import org.junit.Test;
import org.srv6.appliance.api.behavior.BehaviorException;
import org.srv6.appliance.api.behavior.BehaviorInstance;
import org.srv6.appliance.api.behavior.PacketContext;
import org.srv6.appliance.api.behavior.Verdict;
import org.srv6.appliance.testkit.HmacTlv;
import org.srv6.appliance.testkit.Ipv6Builder;
import org.srv6.appliance.testkit.PacketHarness;
import org.srv6.appliance.testkit.Packets;
import org.srv6.appliance.testkit.TestBehaviorContext;

public class TInsertInstanceTest {
    static final byte[] DATA = Packets.bytes(1, 2, 3, 4);

    private final PacketHarness harness = new PacketHarness();
    private final PacketContext ctx = harness.ctx;

    /** IPv6 fc00::1 -> fc00::2 with 4 bytes of UDP-ish payload. */
    static Ipv6Builder packet() {
        return Packets.ipv6("fc00::1", "fc00::2").payload(Packets.PROTO_UDP, DATA);
    }

    @After
    public void release() {
        harness.close();
    }

    @Test
    public void srhInsertedWithOriginalDestinationInSegmentListZero() throws Exception {
        TInsertBehavior b = new TInsertBehavior();
        BehaviorInstance in = b.create(b.parse(List.of("segs", "fc00::11,fc00::12")),
                new TestBehaviorContext().tunnelSource("fc00::aa"));
        harness.load(packet());
        assertEquals(Verdict.FORWARD, in.process(ctx));
        String want = Packets.ipv6("fc00::1", "fc00::11").srh(2, "fc00::11", "fc00::12", "fc00::2")
                .payload(Packets.PROTO_UDP, DATA).hex();
        assertEquals(want, harness.l3Hex());
    }

    static final byte[] SECRET = "s3cret".getBytes(java.nio.charset.StandardCharsets.UTF_8);

    private static BehaviorInstance inline(String algorithm, String segs) throws Exception {
        TInsertBehavior b = new TInsertBehavior();
        return b.create(b.parse(List.of("segs", segs, "hmac", "7")),
                new TestBehaviorContext().tunnelSource("fc00::aa").hmacKey(7, algorithm, SECRET));
    }

    /** The HMAC covers the packet's own source and List[0] = the original destination. */
    @Test
    public void hmacSignsThePacketsSourceAndOriginalDestination() throws Exception {
        for (String algorithm : List.of("sha1", "sha256")) {
            harness.load(packet());
            assertEquals(Verdict.FORWARD, inline(algorithm, "fc00::11,fc00::12").process(ctx));
            byte[] tlv = HmacTlv.tlv(algorithm, SECRET, 7, "fc00::1", 0x08, "fc00::2", "fc00::12", "fc00::11");
            String want = Packets.ipv6("fc00::1", "fc00::11")
                    .srh(Packets.srh(2).segments("fc00::2", "fc00::12", "fc00::11").flags(0x08).tlvs(tlv))
                    .payload(Packets.PROTO_UDP, DATA).hex();
            assertEquals(algorithm, want, harness.l3Hex());
        }
    }

    @Test
    public void eachPacketIsSignedForItsOwnAddresses() throws Exception {
        BehaviorInstance in = inline("sha256", "fc00::11");
        harness.load(packet());
        in.process(ctx);
        harness.load(Packets.ipv6("fc00::3", "fc00::4").payload(Packets.PROTO_UDP, DATA));
        assertEquals(Verdict.FORWARD, in.process(ctx));
        byte[] tlv = HmacTlv.tlv("sha256", SECRET, 7, "fc00::3", 0x08, "fc00::4", "fc00::11");
        String want = Packets.ipv6("fc00::3", "fc00::11")
                .srh(Packets.srh(1).segments("fc00::4", "fc00::11").flags(0x08).tlvs(tlv))
                .payload(Packets.PROTO_UDP, DATA).hex();
        assertEquals(want, harness.l3Hex());
    }

    @Test
    public void hmacSignsAtMostThirteenSegmentsAndTheOriginalDestination() throws Exception {
        StringBuilder segs = new StringBuilder("fc00::1");
        for (int i = 2; i <= 13; i++) {
            segs.append(",fc00::").append(Integer.toHexString(i));
        }
        harness.load(packet());
        assertEquals(Verdict.FORWARD, inline("sha1", segs.toString()).process(ctx));
        TInsertBehavior b = new TInsertBehavior();
        BehaviorException e = assertThrows(BehaviorException.class,
                () -> b.parse(List.of("segs", segs + ",fc00::e", "hmac", "7")));
        assertEquals("inline with hmac signs at most 13 segments (and the original destination), not 14;"
                + " expected fewer segs or no hmac", e.getMessage());
    }

    @Test
    public void hmacNamingAnUnknownKeyIsOneLine() throws Exception {
        TInsertBehavior b = new TInsertBehavior();
        BehaviorException e = assertThrows(BehaviorException.class,
                () -> b.create(b.parse(List.of("segs", "fc00::11", "hmac", "9")), new TestBehaviorContext()));
        assertEquals("hmac key 9 is not set; expected ip sr hmac set 9 sha1|sha256 SECRET first", e.getMessage());
    }
}
