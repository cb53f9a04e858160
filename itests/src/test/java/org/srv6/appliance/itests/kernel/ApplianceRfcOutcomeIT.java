package org.srv6.appliance.itests.kernel;

import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNull;

import java.util.List;

import org.junit.AfterClass;
import org.junit.Assume;
import org.junit.Before;
import org.junit.BeforeClass;
import org.junit.Test;
import org.srv6.appliance.testkit.Packets;
import org.srv6.appliance.testkit.FrameDiff;

/**
 * SPEC §1 D1-D3, where the appliance follows the RFCs and the kernel does not (the kernel drops
 * silently or quotes the rewritten packet), so the outcome is asserted byte for byte against the
 * RFC text instead of a kernel capture. Packets the appliance originates: hop limit 64, traffic
 * class 0 (an echo reply copies the request's), errors from the ingress port's address
 * (fc00:12::2 on r1), echo replies from the address pinged; their flow label is not fixed.
 */
public class ApplianceRfcOutcomeIT {

    static final String SRC = DifferentialCases.SRC;
    static final String FINAL = DifferentialCases.FINAL;
    static final String SID = "fc00:100::1";
    static final String SID_X = "fc00:100::3";
    static final String INGRESS = "fc00:12::2";

    private static ApplianceTopology topo;
    private static RawSocket h1;
    private static RawSocket h2;

    @BeforeClass
    public static void setUp() throws Exception {
        Assume.assumeTrue("needs root for network namespaces", Netns.isRoot());
        try {
            topo = new ApplianceTopology("ktc", true);
            h1 = topo.h1Socket();
            h2 = topo.h2Socket();
            DifferentialCases.BASE.forEach(topo.app::ok);
            topo.app.ok("ip -6 route add " + SID + "/128 encap seg6local action End dev r1");
            topo.app.ok("ip -6 route add " + SID_X + "/128 encap seg6local action End.X nh6 fc00:23::3 dev r1");
        } catch (Exception | Error e) {
            tearDown();
            throw e;
        }
    }

    @AfterClass
    public static void tearDown() {
        ApplianceTopology.closeQuietly(h1, h2, topo);
    }

    @Before
    public void drain() {
        h1.drain();
        h2.drain();
    }

    /** Sends {@code packet} from H1; returns what came back to H1, after checking nothing went on to H2. */
    private static byte[] sendExpectingReply(byte[] packet) {
        h1.send(Packets.ethernet(topo.appR1Mac, topo.h1Mac, 0x86DD, packet));
        byte[] back = h1.receive(2000, RawSocket::ipv6NoNoise);
        byte[] onward = h2.receive(300, RawSocket::ipv6NoNoise);
        assertNull("the packet must be dropped, yet H2 received " + (onward == null ? "" : Packets.hex(onward)), onward);
        return back;
    }

    private static void assertOriginated(String what, byte[] input, byte[] expectedL3, byte[] got) {
        assertNotNull(what + ": nothing came back to H1; input " + Packets.hex(input), got);
        String diff = FrameDiff.diff(Packets.ethernet(topo.h1Mac, topo.appR1Mac, 0x86DD, expectedL3), got, true);
        assertNull(what + "; input " + Packets.hex(input) + "\n" + diff, diff);
    }

    private static byte[] udp6(String dst) {
        return Packets.udp(SRC, dst, 1234, 5678, "rfc outcome".getBytes());
    }

    @Test
    public void d1SegmentsLeftBeyondLastEntryGetsParameterProblemPointingAtSegmentsLeft() {
        // RFC 8754 §4.3.1.1: SL (3) > Last Entry (1) + 1; pointer = 40 (IPv6 header) + 3.
        byte[] in = Packets.ipv6(SRC, SID, 43, 64, DifferentialCases.FLOW,
                Packets.srh(17, 3, 0, 0, List.of(FINAL, SID), new byte[0], udp6(FINAL)));
        byte[] expected = Packets.ipv6(INGRESS, SRC, 58, 64, 0, 0, Packets.icmpv6Error(4, 0, 43, INGRESS, SRC, in));
        assertOriginated("D1 Parameter Problem code 0 pointer 43 quoting the packet", in, expected,
                sendExpectingReply(in));
    }

    @Test
    public void d1LastEntryBeyondHeaderLengthGetsParameterProblemPointingAtSegmentsLeft() {
        // RFC 8754 §4.3.1.1: Last Entry (4) > (Hdr Ext Len (4) / 2) - 1 = 1.
        byte[] srh = Packets.srh(17, 1, 0, 0, List.of(FINAL, SID), new byte[0], udp6(FINAL));
        srh[4] = 4;
        byte[] in = Packets.ipv6(SRC, SID, 43, 64, DifferentialCases.FLOW, srh);
        byte[] expected = Packets.ipv6(INGRESS, SRC, 58, 64, 0, 0, Packets.icmpv6Error(4, 0, 43, INGRESS, SRC, in));
        assertOriginated("D1 Parameter Problem code 0 pointer 43 quoting the packet", in, expected,
                sendExpectingReply(in));
    }

    @Test
    public void d2EchoRequestToSidWithSegmentsLeftZeroIsAnsweredFromTheSid() {
        // RFC 8986 §4.1.1: SL = 0, upper layer ICMPv6 echo request: processed locally.
        byte[] echo = Packets.icmpv6Echo(128, SRC, SID, 0x5a5a, 7, "ping a sid".getBytes());
        byte[] in = Packets.ipv6(SRC, SID, 43, 64, 0x20, 0x54321,
                Packets.srh(58, 0, 0, 0, List.of(SID, "fc00:100::77"), new byte[0], echo));
        byte[] reply = Packets.icmpv6Echo(129, SID, SRC, 0x5a5a, 7, "ping a sid".getBytes());
        byte[] expected = Packets.ipv6(SID, SRC, 58, 64, 0x20, 0, reply);
        assertOriginated("D2 echo reply from the SID", in, expected, sendExpectingReply(in));
    }

    @Test
    public void d2EchoRequestToEndXSidWithSegmentsLeftZeroIsAnsweredFromTheSid() {
        // RFC 8986 §4.2 End.X runs the §4.1.1 upper-layer branch too.
        byte[] echo = Packets.icmpv6Echo(128, SRC, SID_X, 0x6b6b, 9, "ping end.x".getBytes());
        byte[] in = Packets.ipv6(SRC, SID_X, 43, 64, 0, 0x11111,
                Packets.srh(58, 0, 0, 0, List.of(SID_X, "fc00:100::77"), new byte[0], echo));
        byte[] reply = Packets.icmpv6Echo(129, SID_X, SRC, 0x6b6b, 9, "ping end.x".getBytes());
        byte[] expected = Packets.ipv6(SID_X, SRC, 58, 64, 0, 0, reply);
        assertOriginated("D2 echo reply from the End.X SID", in, expected, sendExpectingReply(in));
    }

    @Test
    public void d3HopLimitOneAtEndXGetsTimeExceededQuotingPacketAsReceived() {
        byte[] in = Packets.ipv6(SRC, SID_X, 43, 1, DifferentialCases.FLOW,
                Packets.srh(17, 1, 0, 0, List.of(FINAL, SID_X), new byte[0], udp6(FINAL)));
        byte[] expected = Packets.ipv6(INGRESS, SRC, 58, 64, 0, 0, Packets.icmpv6Error(3, 0, 0, INGRESS, SRC, in));
        assertOriginated("D3 Time Exceeded code 0 at End.X quoting the packet as received", in, expected,
                sendExpectingReply(in));
    }

    @Test
    public void d2UdpToSidWithSegmentsLeftZeroGetsParameterProblemCode4AtUpperLayerHeader() {
        // RFC 8986 §4.1.1: any other upper layer: Parameter Problem code 4, pointer = 40 + SRH (8 + 2 * 16).
        byte[] in = Packets.ipv6(SRC, SID, 43, 64, DifferentialCases.FLOW,
                Packets.srh(17, 0, 0, 0, List.of(SID, "fc00:100::77"), new byte[0], udp6(SID)));
        byte[] expected = Packets.ipv6(INGRESS, SRC, 58, 64, 0, 0, Packets.icmpv6Error(4, 4, 80, INGRESS, SRC, in));
        assertOriginated("D2 Parameter Problem code 4 pointer 80 quoting the packet", in, expected,
                sendExpectingReply(in));
    }

    @Test
    public void d3HopLimitOneAtEndGetsTimeExceededQuotingPacketAsReceived() {
        // RFC 8986 §4.1: the hop limit check precedes the SRH update: DA and SL quoted unchanged.
        byte[] in = Packets.ipv6(SRC, SID, 43, 1, DifferentialCases.FLOW,
                Packets.srh(17, 1, 0, 0, List.of(FINAL, SID), new byte[0], udp6(FINAL)));
        byte[] expected = Packets.ipv6(INGRESS, SRC, 58, 64, 0, 0, Packets.icmpv6Error(3, 0, 0, INGRESS, SRC, in));
        assertOriginated("D3 Time Exceeded code 0 quoting the packet as received", in, expected,
                sendExpectingReply(in));
    }

    @Test
    public void icmpErrorQuoteIsCutSoTheErrorFitsIn1280Octets() {
        // SPEC §1: error quotes cut so the error fits in 1280 octets: 40 + 8 + 1232 quoted.
        byte[] in = Packets.ipv6(SRC, SID, 43, 1, DifferentialCases.FLOW,
                Packets.srh(17, 1, 0, 0, List.of(FINAL, SID), new byte[0],
                        Packets.udp(SRC, FINAL, 1234, 5678, new byte[1400 - 40 - 40 - 8])));
        byte[] quote = java.util.Arrays.copyOf(in, 1280 - 48);
        byte[] expected = Packets.ipv6(INGRESS, SRC, 58, 64, 0, 0, Packets.icmpv6Error(3, 0, 0, INGRESS, SRC, quote));
        assertOriginated("Time Exceeded for a 1400-octet packet, 1280 octets in all", in, expected,
                sendExpectingReply(in));
    }
}
