package org.srv6.appliance.itests.kernel;

import java.util.List;
import org.srv6.appliance.testkit.Packets;

/**
 * The SPEC §1 differential cases as a table: each names its rule, the {@code ip} lines both
 * routers get, the packet H1 sends (from the ethertype on) and the packet H2 must receive,
 * written down from the RFC text rather than captured. Both routers use the same addressing:
 * port r1 towards H1 (fc00:12::2, 10.12.0.2), port r2 towards H2 (fc00:23::2, 10.23.0.2),
 * H1 = fc00:12::1, H2 = fc00:23::3.
 *
 * <p>Each case uses its own SIDs and prefixes, so cases can run in any order on one router
 * without undoing each other.
 */
public final class DifferentialCases {

    /** One row: rule name, configuration, input and the RFC outcome seen at H2. */
    public record Case(String rule, List<String> lines, int ethertype, byte[] input, byte[] expected) {

        /** Ethertype of the frame H2 must receive, from the IP version of {@link #expected()}. */
        public int expectedEthertype() {
            return (expected[0] & 0xf0) == 0x40 ? 0x0800 : 0x86DD;
        }
    }

    /** Filter for what H2 may receive: IPv6 without neighbor discovery / MLD noise, or IPv4. */
    static boolean forwarded(byte[] f) {
        return RawSocket.ipv6NoNoise(f) || RawSocket.ipv4(f);
    }

    static final String SRC = "fc00:1::5";
    static final String FINAL = "fc00:2::9";
    static final int FLOW = 0xabcde;
    static final String EGRESS = "fc00:23::2";

    /** Lines both routers get once, before any case. */
    static final List<String> BASE = List.of(
            "ip -6 route add fc00:1::/64 via fc00:12::1 dev r1",
            "ip -6 route add fc00:2::/64 via fc00:23::3 dev r2",
            "ip -6 route add fc00:0::/32 via fc00:23::3 dev r2");

    private DifferentialCases() {
    }

    private static byte[] udp6(String dst) {
        return Packets.udp(SRC, dst, 1234, 5678, "differential".getBytes());
    }

    /** RFC 8986 §4.1 End, SRH carrying TLVs and a tag: S14-S16 SL-1, DA = List[SL]; TLVs and tag untouched. */
    public static Case end() {
        String sid = "fc00:100::1";
        byte[] tlvs = Packets.cat(Packets.tlv(124, new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}), Packets.padN(2));
        return new Case("End", List.of("ip -6 route add " + sid + "/128 encap seg6local action End dev r1"), 0x86DD,
                Packets.ipv6(SRC, sid, 43, 64, FLOW,
                        Packets.srh(17, 1, 0, 0x1234, List.of(FINAL, sid), tlvs, udp6(FINAL))),
                Packets.ipv6(SRC, FINAL, 43, 63, FLOW,
                        Packets.srh(17, 0, 0, 0x1234, List.of(FINAL, sid), tlvs, udp6(FINAL))));
    }

    /** RFC 8986 §4.16.1 PSP: SL becomes 0 at the penultimate SID, so the SRH is popped. */
    public static Case endPsp() {
        String sid = "fc00:100::2";
        return new Case("End flavors psp",
                List.of("ip -6 route add " + sid + "/128 encap seg6local action End flavors psp dev r1"), 0x86DD,
                Packets.ipv6(SRC, sid, 43, 64, FLOW,
                        Packets.srh(17, 1, 0, 0, List.of(FINAL, sid), new byte[0], udp6(FINAL))),
                Packets.ipv6(SRC, FINAL, 17, 63, FLOW, udp6(FINAL)));
    }

    private static String csidRoute(String locator) {
        return "ip -6 route add " + locator + "/48 encap seg6local action End flavors next-csid lblen 32 nflen 16 dev r1";
    }

    /** RFC 9800 §4.1 NEXT-C-SID: argument non-zero, the next C-SID is shifted into the DA; the SRH is untouched. */
    public static Case endNextCsidShift() {
        String da = "fc00:0:100:200:300::";
        return new Case("End next-csid shift", List.of(csidRoute("fc00:0:100::")), 0x86DD,
                Packets.ipv6(SRC, da, 43, 64, FLOW,
                        Packets.srh(17, 1, 0, 0, List.of(FINAL, da), new byte[0], udp6(FINAL))),
                Packets.ipv6(SRC, "fc00:0:200:300::", 43, 63, FLOW,
                        Packets.srh(17, 1, 0, 0, List.of(FINAL, da), new byte[0], udp6(FINAL))));
    }

    /** RFC 9800 §4.1 NEXT-C-SID: argument zero (last C-SID of the container), End processing of the SRH. */
    public static Case endNextCsidLastCsid() {
        String da = "fc00:0:101::";
        return new Case("End next-csid last C-SID", List.of(csidRoute("fc00:0:101::")), 0x86DD,
                Packets.ipv6(SRC, da, 43, 64, FLOW,
                        Packets.srh(17, 1, 0, 0, List.of(FINAL, da), new byte[0], udp6(FINAL))),
                Packets.ipv6(SRC, FINAL, 43, 63, FLOW,
                        Packets.srh(17, 0, 0, 0, List.of(FINAL, da), new byte[0], udp6(FINAL))));
    }

    /** RFC 9800 §4.1 NEXT-C-SID without an SRH: the C-SID list lives in the DA alone. */
    public static Case endNextCsidNoSrh() {
        String da = "fc00:0:102:201::";
        String next = "fc00:0:201::";
        byte[] udp = Packets.udp(SRC, next, 1234, 5678, "differential".getBytes());
        return new Case("End next-csid without SRH", List.of(csidRoute("fc00:0:102::")), 0x86DD,
                Packets.ipv6(SRC, da, 17, 64, FLOW, udp),
                Packets.ipv6(SRC, next, 17, 63, FLOW, udp));
    }

    /** RFC 8986 §4.2 End.X: End, then forward to nh6 whatever the FIB says about the new DA (it points back to H1). */
    public static Case endX() {
        String sid = "fc00:100::3";
        String fin = "fc00:3::9";
        return new Case("End.X", List.of(
                "ip -6 route add fc00:3::/64 via fc00:12::1 dev r1",
                "ip -6 route add " + sid + "/128 encap seg6local action End.X nh6 fc00:23::3 dev r1"), 0x86DD,
                Packets.ipv6(SRC, sid, 43, 10, FLOW,
                        Packets.srh(17, 1, 0, 0x77, List.of(fin, sid), Packets.padN(8), udp6(fin))),
                Packets.ipv6(SRC, fin, 43, 9, FLOW,
                        Packets.srh(17, 0, 0, 0x77, List.of(fin, sid), Packets.padN(8), udp6(fin))));
    }

    /**
     * T.Encaps of IPv6 (RFC 8986 §5.1, kernel conventions in SPEC §1): outer source = egress port
     * address, traffic class and flow label copied, outer hop limit = inner - 1, inner untouched.
     */
    public static Case tEncapsIpv6() {
        String dst = "fc00:9::1";
        byte[] inner = Packets.ipv6(SRC, dst, 17, 64, 0x28, 0x12345, Packets.udp(SRC, dst, 1, 2, new byte[] {42}));
        return new Case("T.Encaps IPv6",
                List.of("ip -6 route add fc00:9::/64 encap seg6 mode encap segs fc00:2::a,fc00:2::b dev r2"), 0x86DD,
                inner,
                Packets.ipv6(EGRESS, "fc00:2::a", 43, 63, 0x28, 0x12345,
                        Packets.srh(41, 1, 0, 0, List.of("fc00:2::b", "fc00:2::a"), new byte[0], inner)));
    }

    /** T.Encaps of IPv4: traffic class (whatever the TOS) and flow label 0, outer hop limit 64 - 1, inner TTL untouched. */
    public static Case tEncapsIpv4() {
        byte[] inner = Packets.ipv4("10.1.0.5", "10.9.0.1", 17, 64, 0x4242, 0xb8,
                Packets.udp("10.1.0.5", "10.9.0.1", 1, 2, "v4 inner".getBytes()));
        return new Case("T.Encaps IPv4",
                List.of("ip route add 10.9.0.0/24 encap seg6 mode encap segs fc00:2::c,fc00:2::d dev r2"), 0x0800,
                inner,
                Packets.ipv6(EGRESS, "fc00:2::c", 43, 63, 0, 0,
                        Packets.srh(4, 1, 0, 0, List.of("fc00:2::d", "fc00:2::c"), new byte[0], inner)));
    }

    /** T.Encaps with three segments: SRH List[2..0] = S1..S3, SL = Last Entry = 2, DA = S1. */
    public static Case tEncapsThreeSegments() {
        String dst = "fc00:7::1";
        byte[] inner = Packets.ipv6(SRC, dst, 17, 17, 0, 0, Packets.udp(SRC, dst, 1, 2, "three".getBytes()));
        return new Case("T.Encaps three segments",
                List.of("ip -6 route add fc00:7::/64 encap seg6 mode encap segs fc00:2::1:1,fc00:2::1:2,fc00:2::1:3 dev r2"),
                0x86DD, inner,
                Packets.ipv6(EGRESS, "fc00:2::1:1", 43, 16, 0, 0,
                        Packets.srh(41, 2, 0, 0, List.of("fc00:2::1:3", "fc00:2::1:2", "fc00:2::1:1"), new byte[0], inner)));
    }

    /** End in the middle of three segments: SL 2 -> 1, DA = List[1]. */
    public static Case endMiddleSegment() {
        String sid = "fc00:100::4";
        List<String> segs = List.of(FINAL, "fc00:2::4:2", sid);
        return new Case("End middle segment",
                List.of("ip -6 route add " + sid + "/128 encap seg6local action End dev r1"), 0x86DD,
                Packets.ipv6(SRC, sid, 43, 2, FLOW, Packets.srh(6, 2, 0, 0, segs, new byte[0], new byte[20])),
                Packets.ipv6(SRC, "fc00:2::4:2", 43, 1, FLOW, Packets.srh(6, 1, 0, 0, segs, new byte[0], new byte[20])));
    }

    /** T.Insert with two segments: List = [original DA, S2, S1], SL = 2, DA = S1. */
    public static Case tInsertTwoSegments() {
        String dst = "fc00:6::1";
        byte[] udp = Packets.udp(SRC, dst, 1, 2, "inline two".getBytes());
        return new Case("T.Insert two segments",
                List.of("ip -6 route add fc00:6::/64 encap seg6 mode inline segs fc00:2::6:1,fc00:2::6:2 dev r2"), 0x86DD,
                Packets.ipv6(SRC, dst, 17, 64, FLOW, udp),
                Packets.ipv6(SRC, "fc00:2::6:1", 43, 63, FLOW,
                        Packets.srh(17, 2, 0, 0, List.of(dst, "fc00:2::6:2", "fc00:2::6:1"), new byte[0], udp)));
    }

    /** T.Encaps with {@code ip sr tunsrc} set (the caller sets it): that address is the outer source. */
    public static Case tEncapsSrTunsrc(String tunsrc) {
        String dst = "fc00:5::1";
        byte[] inner = Packets.ipv6(SRC, dst, 17, 64, 0, 0x1, Packets.udp(SRC, dst, 1, 2, "tunsrc".getBytes()));
        return new Case("T.Encaps with ip sr tunsrc",
                List.of("ip -6 route add fc00:5::/64 encap seg6 mode encap segs fc00:2::5:1 dev r2"), 0x86DD,
                inner,
                Packets.ipv6(tunsrc, "fc00:2::5:1", 43, 63, 0, 0x1,
                        Packets.srh(41, 0, 0, 0, List.of("fc00:2::5:1"), new byte[0], inner)));
    }

    /** Plain IPv6 forwarding (no SRv6): hop limit - 1, nothing else changes. */
    public static Case ipv6Forwarding() {
        byte[] udp = Packets.udp(SRC, FINAL, 7, 8, "plain v6".getBytes());
        return new Case("IPv6 forwarding", List.of(), 0x86DD,
                Packets.ipv6(SRC, FINAL, 17, 9, 0x14, FLOW, udp),
                Packets.ipv6(SRC, FINAL, 17, 8, 0x14, FLOW, udp));
    }

    /** Plain IPv4 forwarding, delivered as IPv4 at H2: TTL - 1 and the header checksum updated. */
    public static Case ipv4Forwarding() {
        byte[] udp = Packets.udp("10.1.0.5", "10.7.0.1", 7, 8, "plain v4".getBytes());
        return new Case("IPv4 forwarding", List.of("ip route add 10.7.0.0/24 via 10.23.0.3 dev r2"), 0x0800,
                Packets.ipv4("10.1.0.5", "10.7.0.1", 17, 30, 0x99, 0x20, udp),
                Packets.ipv4("10.1.0.5", "10.7.0.1", 17, 29, 0x99, 0x20, udp));
    }

    /** T.Insert (kernel mode inline): SRH inserted after the IPv6 header, List[0] = original DA, DA = first segment. */
    public static Case tInsert() {
        String dst = "fc00:8::1";
        byte[] udp = Packets.udp(SRC, dst, 1, 2, "inline".getBytes());
        return new Case("T.Insert",
                List.of("ip -6 route add fc00:8::/64 encap seg6 mode inline segs fc00:2::e dev r2"), 0x86DD,
                Packets.ipv6(SRC, dst, 17, 64, FLOW, udp),
                Packets.ipv6(SRC, "fc00:2::e", 43, 63, FLOW,
                        Packets.srh(17, 1, 0, 0, List.of(dst, "fc00:2::e"), new byte[0], udp)));
    }
}
