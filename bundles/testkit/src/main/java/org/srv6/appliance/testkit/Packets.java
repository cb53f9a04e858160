package org.srv6.appliance.testkit;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Function;
import java.util.function.IntFunction;

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

    // ------------------------------------------------------------------ builders

    /** Common end of the IPv6 and IPv4 builders: the upper layer and the output forms. */
    public abstract static class L3Builder<B extends L3Builder<B>> {
        int proto = PROTO_NONE;
        byte[] upper = new byte[0];
        /** Builds the upper layer once the final addresses are known (checksums). */
        private Function<L3Builder<B>, byte[]> pending;

        abstract B self();

        abstract byte[] srcBytes();

        /** @return the destination the upper-layer checksum is computed over */
        abstract byte[] checksumDst();

        /** Raw payload of protocol {@code protocol} (no checksum computed). */
        public B payload(int protocol, byte[] data) {
            this.proto = protocol;
            this.upper = data.clone();
            this.pending = null;
            return self();
        }

        /** UDP with its checksum over this packet's addresses. */
        public B udp(int sport, int dport, byte[] data) {
            this.proto = PROTO_UDP;
            this.pending = b -> Packets.udp(b.srcBytes(), b.checksumDst(), sport, dport, data);
            return self();
        }

        /** An inner IPv6 packet (next header 41). */
        public B ipv6(Ipv6Builder inner) {
            return payload(PROTO_IPV6, inner.bytes());
        }

        /** An inner IPv4 packet (next header 4). */
        public B ipv4(Ipv4Builder inner) {
            return payload(PROTO_IPV4, inner.bytes());
        }

        void upper(int protocol, Function<L3Builder<B>, byte[]> build) {
            this.proto = protocol;
            this.pending = build;
        }

        byte[] upperBytes() {
            return pending == null ? upper : pending.apply(this);
        }

        /** @return the packet from its L3 header on */
        public abstract byte[] bytes();

        public String hex() {
            return Packets.hex(bytes());
        }

        /** @return a heap buffer holding the packet (the caller releases it) */
        public ByteBuf buf() {
            return Unpooled.wrappedBuffer(bytes());
        }

        /** @return the packet in an Ethernet frame of the matching ethertype */
        public abstract byte[] frame(String dstMac, String srcMac);
    }

    /** An IPv6 header, its extension headers in order, and an upper layer. */
    public static final class Ipv6Builder extends L3Builder<Ipv6Builder> {
        private final byte[] src;
        private final byte[] dst;
        private int trafficClass;
        private int flowLabel;
        private int hopLimit = 64;
        private int version = 6;
        private int nextHeader = -1;
        private int payloadLength = -1;
        /** Extension headers: each a function of the next header that follows it. */
        private final List<Ext> ext = new ArrayList<>();

        /** An extension header of {@code type}, rendered once the next header is known. */
        private record Ext(int type, IntFunction<byte[]> render) {
        }

        Ipv6Builder(byte[] src, byte[] dst) {
            this.src = src;
            this.dst = dst;
        }

        @Override
        Ipv6Builder self() {
            return this;
        }

        public Ipv6Builder hopLimit(int v) {
            hopLimit = v;
            return this;
        }

        public Ipv6Builder trafficClass(int v) {
            trafficClass = v;
            return this;
        }

        public Ipv6Builder flowLabel(int v) {
            flowLabel = v;
            return this;
        }

        /** Overrides the version nibble (bad input). */
        public Ipv6Builder version(int v) {
            version = v;
            return this;
        }

        /** Overrides the header's Next Header (otherwise the first extension or the upper layer). */
        public Ipv6Builder nextHeader(int v) {
            nextHeader = v;
            return this;
        }

        /** Overrides the Payload Length (otherwise what follows the header). */
        public Ipv6Builder payloadLength(int v) {
            payloadLength = v;
            return this;
        }

        /** An SRH with {@code segmentsLeft} over {@code path}, given first segment first (as iproute2's {@code segs}). */
        public Ipv6Builder srh(int segmentsLeft, String... path) {
            return srh(Packets.srh(segmentsLeft).path(path));
        }

        public Ipv6Builder srh(SrhBuilder s) {
            ext.add(new Ext(PROTO_ROUTING, s::bytes));
            return this;
        }

        /**
         * A Hop-by-Hop (0) or Destination Options (60) header holding {@code options}, padded
         * with PadN (or Pad1) options to a multiple of 8 bytes.
         */
        public Ipv6Builder options(int type, byte[] options) {
            int len = 2 + options.length;
            int pad = (8 - len % 8) % 8;
            // Pad1 is option type 0, PadN type 1 (RFC 8200 §4.2); the SRH's PadN TLV is type 4.
            byte[] body = cat(options, pad == 0 ? new byte[0] : pad == 1 ? new byte[1] : cat(Packets.bytes(1, pad - 2), new byte[pad - 2]));
            ext.add(new Ext(type, next -> cat(Packets.bytes(next, (2 + body.length) / 8 - 1), body)));
            return this;
        }

        /** Any extension header given whole; its first byte is set to the next header. */
        public Ipv6Builder extension(int type, byte[] header) {
            ext.add(new Ext(type, next -> {
                byte[] h = header.clone();
                h[0] = (byte) next;
                return h;
            }));
            return this;
        }

        /** ICMPv6 type/code, then {@code body}, checksum over the source and the final destination. */
        public Ipv6Builder icmpv6(int type, int code, byte[] body) {
            upper(PROTO_ICMPV6, b -> Packets.icmpv6(type, code, src, checksumDst(), body));
            return this;
        }

        public Ipv6Builder icmpEchoRequest(int id, int seq, byte[] data) {
            return icmpv6(128, 0, cat(u16(id), u16(seq), data));
        }

        public Ipv6Builder icmpEchoReply(int id, int seq, byte[] data) {
            return icmpv6(129, 0, cat(u16(id), u16(seq), data));
        }

        /** ICMPv6 error with its 32-bit parameter and the quoted packet. */
        public Ipv6Builder icmpv6Error(int type, int code, long parameter, byte[] quoted) {
            return icmpv6(type, code, cat(u32((int) parameter), quoted));
        }

        @Override
        byte[] srcBytes() {
            return src;
        }

        /** RFC 8200 §8.1: the final destination, Segment List[0] of an SRH that is not yet done. */
        @Override
        byte[] checksumDst() {
            for (Ext e : ext) {
                if (e.type() == PROTO_ROUTING) {
                    byte[] h = e.render().apply(0);
                    if (h.length >= 24 && h[3] != 0) {
                        return Arrays.copyOfRange(h, 8, 24);
                    }
                }
            }
            return dst;
        }

        @Override
        public byte[] bytes() {
            byte[] up = upperBytes();
            byte[] rest = up;
            int next = proto;
            for (int i = ext.size() - 1; i >= 0; i--) {
                rest = cat(ext.get(i).render().apply(next), rest);
                next = ext.get(i).type();
            }
            int nh = nextHeader >= 0 ? nextHeader : next;
            int plen = payloadLength >= 0 ? payloadLength : rest.length;
            return cat(u32(version << 28 | (trafficClass & 0xff) << 20 | (flowLabel & 0xfffff)), u16(plen),
                    Packets.bytes(nh, hopLimit), src, dst, rest);
        }

        @Override
        public byte[] frame(String dstMac, String srcMac) {
            return ethernet(dstMac, srcMac, ETH_IPV6, bytes());
        }
    }

    /** An IPv4 header without options and an upper layer. */
    public static final class Ipv4Builder extends L3Builder<Ipv4Builder> {
        private final int src;
        private final int dst;
        private int tos;
        private int id;
        private int flagsFrag;
        private int ttl = 64;
        private int protocol = -1;
        private int totalLength = -1;
        private int checksum = -1;
        private int versionIhl = 0x45;

        Ipv4Builder(int src, int dst) {
            this.src = src;
            this.dst = dst;
        }

        @Override
        Ipv4Builder self() {
            return this;
        }

        public Ipv4Builder ttl(int v) {
            ttl = v;
            return this;
        }

        /** Type of service (DSCP and ECN). */
        public Ipv4Builder tos(int v) {
            tos = v;
            return this;
        }

        public Ipv4Builder id(int v) {
            id = v;
            return this;
        }

        /** Flags and fragment offset, e.g. 0x4000 for DF. */
        public Ipv4Builder flagsFrag(int v) {
            flagsFrag = v;
            return this;
        }

        /** Overrides the Protocol field (otherwise the upper layer's). */
        public Ipv4Builder protocol(int v) {
            protocol = v;
            return this;
        }

        /** Overrides the Total Length (otherwise header + payload). */
        public Ipv4Builder totalLength(int v) {
            totalLength = v;
            return this;
        }

        /** Overrides the header checksum (otherwise computed). */
        public Ipv4Builder checksum(int v) {
            checksum = v;
            return this;
        }

        /** Overrides the version/IHL octet (bad input; the header stays 20 bytes). */
        public Ipv4Builder versionIhl(int v) {
            versionIhl = v;
            return this;
        }

        /** ICMP type/code, then {@code rest}. */
        public Ipv4Builder icmp(int type, int code, byte[] rest) {
            upper(PROTO_ICMP, b -> icmp4(type, code, rest));
            return this;
        }

        public Ipv4Builder icmpEchoRequest(int id, int seq, byte[] data) {
            return icmp(8, 0, cat(u16(id), u16(seq), data));
        }

        @Override
        byte[] srcBytes() {
            return u32(src);
        }

        @Override
        byte[] checksumDst() {
            return u32(dst);
        }

        @Override
        public byte[] bytes() {
            byte[] up = upperBytes();
            int p = protocol >= 0 ? protocol : proto;
            byte[] h = cat(Packets.bytes(versionIhl, tos), u16(totalLength >= 0 ? totalLength : 20 + up.length), u16(id),
                    u16(flagsFrag), Packets.bytes(ttl, p, 0, 0), u32(src), u32(dst));
            put16(h, 10, checksum >= 0 ? checksum : Packets.checksum(h, 0, 20));
            return cat(h, up);
        }

        @Override
        public byte[] frame(String dstMac, String srcMac) {
            return ethernet(dstMac, srcMac, ETH_IPV4, bytes());
        }
    }

    /** A Segment Routing Header (RFC 8754). */
    public static final class SrhBuilder {
        private final int segmentsLeft;
        private final List<byte[]> list0First = new ArrayList<>();
        private int lastEntry = -1;
        private int flags;
        private int tag;
        private int routingType = 4;
        private int hdrExtLen = -1;
        private int nextHeader = -1;
        private byte[] tlvs = new byte[0];

        SrhBuilder(int segmentsLeft) {
            this.segmentsLeft = segmentsLeft;
        }

        /** The segments first segment first, as iproute2's {@code segs}: stored in reverse. */
        public SrhBuilder path(String... firstFirst) {
            list0First.clear();
            for (int i = firstFirst.length - 1; i >= 0; i--) {
                list0First.add(ip6(firstFirst[i]));
            }
            return this;
        }

        /** The segments in the header's order: Segment List[0] (the last segment) first. */
        public SrhBuilder segments(String... list0) {
            list0First.clear();
            for (String s : list0) {
                list0First.add(ip6(s));
            }
            return this;
        }

        /** Overrides Last Entry (otherwise the number of segments - 1). */
        public SrhBuilder lastEntry(int v) {
            lastEntry = v;
            return this;
        }

        public SrhBuilder flags(int v) {
            flags = v;
            return this;
        }

        public SrhBuilder tag(int v) {
            tag = v;
            return this;
        }

        /** Overrides the Routing Type (4 = SRH). */
        public SrhBuilder routingType(int v) {
            routingType = v;
            return this;
        }

        /** Overrides Hdr Ext Len (otherwise computed; TLVs must then fill a multiple of 8 bytes). */
        public SrhBuilder hdrExtLen(int v) {
            hdrExtLen = v;
            return this;
        }

        /** Overrides Next Header (otherwise what follows in the packet). */
        public SrhBuilder nextHeader(int v) {
            nextHeader = v;
            return this;
        }

        /** Appends TLV bytes after the segment list (e.g. {@link Packets#padN}). */
        public SrhBuilder tlvs(byte[]... t) {
            tlvs = cat(tlvs, cat(t));
            return this;
        }

        /** @return the header with {@code next} as its Next Header unless overridden */
        public byte[] bytes(int next) {
            int len = 8 + 16 * list0First.size() + tlvs.length;
            if (hdrExtLen < 0 && len % 8 != 0) {
                throw new IllegalArgumentException("SRH length " + len + " is not a multiple of 8; pad the TLVs");
            }
            byte[] segs = new byte[16 * list0First.size()];
            for (int i = 0; i < list0First.size(); i++) {
                System.arraycopy(list0First.get(i), 0, segs, 16 * i, 16);
            }
            return cat(Packets.bytes(nextHeader >= 0 ? nextHeader : next, hdrExtLen >= 0 ? hdrExtLen : len / 8 - 1,
                    routingType, segmentsLeft, lastEntry >= 0 ? lastEntry : list0First.size() - 1, flags),
                    u16(tag), segs, tlvs);
        }
    }
}
