package org.srv6.appliance.testkit;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

import org.srv6.appliance.api.packet.InetAddrs;

/**
 * Test packets from readable arguments, built byte by byte with lengths and checksums computed
 * here (RFC 1071, RFC 8200 §8.1), independently of the packet views the code under test uses:
 *
 * <pre>
 * byte[] p = Packets.ipv6("fc00::1", "fc00::2").hopLimit(64).srh(1, "fc00:e::1", "fc00:f::2")
 *         .icmpEchoRequest(7, 1, Packets.fill(16, 0)).bytes();
 * byte[] f = Packets.ipv4("10.0.0.1", "10.0.0.2").ttl(5).udp(1000, 2000, data).frame("02:00:00:00:00:02", "02:00:00:00:00:01");
 * </pre>
 *
 * Every header builder takes overrides for the fields a bad-input test wants wrong (lengths,
 * next header, checksum); the static helpers build one layer at a time for what the builders
 * do not cover.
 */
public final class Packets {
    public static final int ETH_IPV4 = 0x0800;
    public static final int ETH_ARP = 0x0806;
    public static final int ETH_IPV6 = 0x86dd;
    public static final int PROTO_HOPOPTS = 0;
    public static final int PROTO_ICMP = 1;
    public static final int PROTO_IPV4 = 4;
    public static final int PROTO_UDP = 17;
    public static final int PROTO_IPV6 = 41;
    public static final int PROTO_ROUTING = 43;
    public static final int PROTO_ICMPV6 = 58;
    public static final int PROTO_NONE = 59;
    public static final int PROTO_DSTOPTS = 60;

    private Packets() {
    }

    // ------------------------------------------------------------------ builders

    /** @return an IPv6 header from {@code src} to {@code dst}, hop limit 64, no payload yet */
    public static Ipv6Builder ipv6(String src, String dst) {
        return new Ipv6Builder(ip6(src), ip6(dst));
    }

    /** @return an IPv4 header (no options) from {@code src} to {@code dst}, TTL 64, no payload yet */
    public static Ipv4Builder ipv4(String src, String dst) {
        return new Ipv4Builder(ip4(src), ip4(dst));
    }

    /** {@link #ipv6(String, String)} from address bytes. */
    public static Ipv6Builder ipv6(byte[] src, byte[] dst) {
        return new Ipv6Builder(src.clone(), dst.clone());
    }

    /** {@link #ipv4(String, String)} from addresses as ints. */
    public static Ipv4Builder ipv4(int src, int dst) {
        return new Ipv4Builder(src, dst);
    }

    /** @return an SRH with {@code segmentsLeft}, segments still to be given ({@link SrhBuilder#path}) */
    public static SrhBuilder srh(int segmentsLeft) {
        return new SrhBuilder(segmentsLeft);
    }

    // ------------------------------------------------------------------ one layer

    /** An Ethernet II frame from address bytes. */
    public static byte[] ethernet(byte[] dstMac, byte[] srcMac, int etherType, byte[] payload) {
        return cat(dstMac, srcMac, u16(etherType), payload);
    }

    /** IPv6 header + {@code payload}, which starts with the header named by {@code nextHeader}. */
    public static byte[] ipv6(String src, String dst, int nextHeader, int hopLimit, int flowLabel, byte[] payload) {
        return ipv6(src, dst).hopLimit(hopLimit).flowLabel(flowLabel).payload(nextHeader, payload).bytes();
    }

    /** IPv6 header with a traffic class + {@code payload}. */
    public static byte[] ipv6(String src, String dst, int nextHeader, int hopLimit, int trafficClass, int flowLabel,
            byte[] payload) {
        return ipv6(src, dst).hopLimit(hopLimit).trafficClass(trafficClass).flowLabel(flowLabel)
                .payload(nextHeader, payload).bytes();
    }

    /** SRH with {@code segments} in header order (Segment List[0] first) and {@code tlvs}, then {@code payload}. */
    public static byte[] srh(int nextHeader, int segmentsLeft, int flags, int tag, List<String> segments, byte[] tlvs,
            byte[] payload) {
        return cat(srh(segmentsLeft).segments(segments.toArray(String[]::new)).flags(flags).tag(tag).tlvs(tlvs)
                .bytes(nextHeader), payload);
    }

    /** IPv4 header (no options, DF clear) + {@code payload}, header checksum computed. */
    public static byte[] ipv4(String src, String dst, int protocol, int ttl, int id, byte[] payload) {
        return ipv4(src, dst).ttl(ttl).id(id).payload(protocol, payload).bytes();
    }

    /** {@link #ipv4(String, String, int, int, int, byte[])} with a type of service (DSCP and ECN). */
    public static byte[] ipv4(String src, String dst, int protocol, int ttl, int id, int tos, byte[] payload) {
        return ipv4(src, dst).ttl(ttl).id(id).tos(tos).payload(protocol, payload).bytes();
    }

    /** An Ethernet II frame. */
    public static byte[] ethernet(String dstMac, String srcMac, int etherType, byte[] payload) {
        return cat(mac(dstMac), mac(srcMac), u16(etherType), payload);
    }

    /** @return the ethertype of an Ethernet frame */
    public static int ethertype(byte[] frame) {
        return u16(frame, 12);
    }

    /** ICMPv6 message: type, code, checksum over the pseudo-header of {@code src}/{@code dst}, then {@code body}. */
    public static byte[] icmpv6(int type, int code, String src, String dst, byte[] body) {
        return icmpv6(type, code, ip6(src), ip6(dst), body);
    }

    static byte[] icmpv6(int type, int code, byte[] src, byte[] dst, byte[] body) {
        byte[] m = cat(bytes(type, code, 0, 0), body);
        put16(m, 2, checksum6(src, dst, PROTO_ICMPV6, m));
        return m;
    }

    /** ICMPv6 error (RFC 4443): 32-bit parameter (pointer, MTU or unused), then the quoted packet. */
    public static byte[] icmpv6Error(int type, int code, long parameter, String src, String dst, byte[] quoted) {
        return icmpv6(type, code, src, dst, cat(u32((int) parameter), quoted));
    }

    /** ICMPv6 Echo Request (128) or Reply (129). */
    public static byte[] icmpv6Echo(int type, String src, String dst, int id, int seq, byte[] data) {
        return icmpv6(type, 0, src, dst, cat(u16(id), u16(seq), data));
    }

    /** UDP datagram, checksum over the IPv6 or IPv4 pseudo-header of {@code src}/{@code dst} (0 sent as 0xffff). */
    public static byte[] udp(String src, String dst, int sport, int dport, byte[] data) {
        byte[] s = ip(src);
        byte[] d = ip(dst);
        return udp(s, d, sport, dport, data);
    }

    static byte[] udp(byte[] src, byte[] dst, int sport, int dport, byte[] data) {
        byte[] u = cat(u16(sport), u16(dport), u16(8 + data.length), u16(0), data);
        int c = src.length == 16 ? checksum6(src, dst, PROTO_UDP, u) : checksum4(src, dst, PROTO_UDP, u);
        put16(u, 6, c == 0 ? 0xffff : c);
        return u;
    }

    /** ARP over Ethernet for IPv4 (RFC 826): operation 1 request, 2 reply; the Ethernet payload. */
    public static byte[] arp(int operation, String senderMac, String senderIp, String targetMac, String targetIp) {
        return cat(unhex("000108000604"), u16(operation), mac(senderMac), u32(ip4(senderIp)), mac(targetMac),
                u32(ip4(targetIp)));
    }

    /** {@link #arp(int, String, String, String, String)} from MACs in the low 48 bits of a long and addresses as ints. */
    public static byte[] arp(int operation, long senderMac, int senderIp, long targetMac, int targetIp) {
        return cat(unhex("000108000604"), u16(operation), mac(senderMac), u32(senderIp), mac(targetMac), u32(targetIp));
    }

    /** ICMP (IPv4) message: type, code, checksum, then {@code rest}. */
    public static byte[] icmp4(int type, int code, byte[] rest) {
        byte[] m = cat(bytes(type, code, 0, 0), rest);
        put16(m, 2, checksum(m, 0, m.length));
        return m;
    }

    /** SRH PadN TLV (type 4, RFC 8754 §2.1.1.2) of {@code total} bytes (at least 2). */
    public static byte[] padN(int total) {
        byte[] t = new byte[total];
        t[0] = 4;
        t[1] = (byte) (total - 2);
        return t;
    }

    /** A TLV of any type with {@code value}. */
    public static byte[] tlv(int type, byte[] value) {
        return cat(bytes(type, value.length), value);
    }

    // ------------------------------------------------------------------ checksums

    /** @return the RFC 1071 checksum of {@code len} bytes at {@code off} */
    public static int checksum(byte[] b, int off, int len) {
        return fold(sum(b, off, len, 0));
    }

    /** @return the checksum of an upper-layer message with the IPv6 pseudo-header (RFC 8200 §8.1) */
    public static int checksum6(byte[] src, byte[] dst, int nextHeader, byte[] upper) {
        long s = sum(src, 0, 16, 0);
        s = sum(dst, 0, 16, s);
        s += (upper.length >>> 16) + (upper.length & 0xffff) + nextHeader;
        return fold(sum(upper, 0, upper.length, s));
    }

    /** @return the checksum of an upper-layer message with the IPv4 pseudo-header (RFC 768) */
    public static int checksum4(byte[] src, byte[] dst, int protocol, byte[] upper) {
        long s = sum(src, 0, 4, 0);
        s = sum(dst, 0, 4, s);
        s += protocol + upper.length;
        return fold(sum(upper, 0, upper.length, s));
    }

    /** @return true when the ICMPv6/UDP message at {@code ul} of the IPv6 packet at {@code l3} verifies */
    public static boolean upperChecksumOk6(byte[] f, int l3, int ul, int nextHeader) {
        int len = u16(f, l3 + 4) - (ul - l3 - 40);
        long s = sum(f, l3 + 8, 32, 0);
        s += (len >>> 16) + (len & 0xffff) + nextHeader;
        return fold(sum(f, ul, len, s)) == 0;
    }

    /** @return the IPv4 header checksum recomputed for the 20-byte header at {@code off} */
    public static int ipv4Checksum(byte[] f, int off) {
        byte[] h = Arrays.copyOfRange(f, off, off + 20);
        h[10] = 0;
        h[11] = 0;
        return checksum(h, 0, 20);
    }

    /** @return the one's complement sum of {@code len} bytes at {@code off}, added to {@code s}, not folded */
    public static long sum(byte[] b, int off, int len, long s) {
        int i = 0;
        for (; i + 1 < len; i += 2) {
            s += ((b[off + i] & 0xff) << 8) | (b[off + i + 1] & 0xff);
        }
        if (i < len) {
            s += (b[off + i] & 0xff) << 8;
        }
        return s;
    }

    /** @return the folded, complemented 16-bit checksum of a sum */
    public static int fold(long s) {
        while ((s >>> 16) != 0) {
            s = (s & 0xffff) + (s >>> 16);
        }
        return (int) (~s & 0xffff);
    }

    // ------------------------------------------------------------------ bytes

    public static byte[] mac(String s) {
        return InetAddrs.parseMac(s);
    }

    /** @return the 6 bytes of a MAC held in the low 48 bits of {@code m} */
    public static byte[] mac(long m) {
        return bytes((int) (m >>> 40), (int) (m >>> 32), (int) (m >>> 24), (int) (m >>> 16), (int) (m >>> 8), (int) m);
    }

    public static byte[] ip6(String s) {
        return InetAddrs.parse6(s);
    }

    public static int ip4(String s) {
        return InetAddrs.parse4(s);
    }

    /** @return the 16 or 4 bytes of an IPv6 or IPv4 address */
    public static byte[] ip(String s) {
        return s.indexOf(':') >= 0 ? ip6(s) : u32(ip4(s));
    }

    public static byte[] cat(byte[]... parts) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            o.writeBytes(p);
        }
        return o.toByteArray();
    }

    /** @return the low byte of each value */
    public static byte[] bytes(int... v) {
        byte[] b = new byte[v.length];
        for (int i = 0; i < v.length; i++) {
            b[i] = (byte) v[i];
        }
        return b;
    }

    public static byte[] u16(int v) {
        return bytes(v >>> 8, v);
    }

    public static byte[] u32(int v) {
        return bytes(v >>> 24, v >>> 16, v >>> 8, v);
    }

    public static int u16(byte[] b, int off) {
        return (b[off] & 0xff) << 8 | (b[off + 1] & 0xff);
    }

    static void put16(byte[] b, int off, int v) {
        b[off] = (byte) (v >>> 8);
        b[off + 1] = (byte) v;
    }

    /** @return {@code n} bytes of a recognisable pattern */
    public static byte[] fill(int n, int seed) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (seed + i * 7);
        }
        return b;
    }

    public static String hex(byte[] b) {
        return b == null ? "null" : HexFormat.of().formatHex(b);
    }

    public static byte[] unhex(String s) {
        return HexFormat.of().parseHex(s);
    }

    public static byte[] slice(byte[] b, int off, int len) {
        return Arrays.copyOfRange(b, off, off + len);
    }

    /** @return a heap buffer holding {@code b} (the caller releases it) */
    public static ByteBuf buf(byte[] b) {
        return Unpooled.wrappedBuffer(b);
    }
}
