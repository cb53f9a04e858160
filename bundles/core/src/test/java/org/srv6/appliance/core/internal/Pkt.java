package org.srv6.appliance.core.internal;

import java.io.ByteArrayOutputStream;
import java.util.HexFormat;

import org.srv6.appliance.api.packet.InetAddrs;

/**
 * Frames for the dataplane tests, built as byte arrays with checksums computed here (RFC 1071),
 * independently of the packet views the engine uses, so that the engine's output can be compared
 * byte for byte with what the RFCs say it should be.
 */
final class Pkt {
    static final int ETH_IPV6 = 0x86dd;
    static final int ETH_IPV4 = 0x0800;
    static final int ETH_ARP = 0x0806;

    private Pkt() {
    }

    static byte[] mac(String s) {
        return InetAddrs.parseMac(s);
    }

    static byte[] a6(String s) {
        return InetAddrs.parse6(s);
    }

    static int a4(String s) {
        return InetAddrs.parse4(s);
    }

    static byte[] cat(byte[]... parts) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            o.writeBytes(p);
        }
        return o.toByteArray();
    }

    static byte[] bytes(int... v) {
        byte[] b = new byte[v.length];
        for (int i = 0; i < v.length; i++) {
            b[i] = (byte) v[i];
        }
        return b;
    }

    static byte[] u16(int v) {
        return bytes(v >>> 8, v);
    }

    static byte[] u32(int v) {
        return bytes(v >>> 24, v >>> 16, v >>> 8, v);
    }

    static byte[] fill(int n, int seed) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (seed + i * 7);
        }
        return b;
    }

    static String hex(byte[] b) {
        return b == null ? "null" : HexFormat.of().formatHex(b);
    }

    static byte[] unhex(String s) {
        return HexFormat.of().parseHex(s);
    }

    static byte[] slice(byte[] b, int off, int len) {
        byte[] o = new byte[len];
        System.arraycopy(b, off, o, 0, len);
        return o;
    }

    // ----------------------------------------------------------- checksums

    static long sum(byte[] b, int off, int len, long s) {
        int i = 0;
        for (; i + 1 < len; i += 2) {
            s += ((b[off + i] & 0xff) << 8) | (b[off + i + 1] & 0xff);
        }
        if (i < len) {
            s += (b[off + i] & 0xff) << 8;
        }
        return s;
    }

    static int fold(long s) {
        while ((s >>> 16) != 0) {
            s = (s & 0xffff) + (s >>> 16);
        }
        return (int) (~s & 0xffff);
    }

    /** Checksum of an upper-layer message with the IPv6 pseudo-header (RFC 8200 §8.1). */
    static int csum6(byte[] src, byte[] dst, int proto, byte[] msg) {
        long s = sum(src, 0, 16, 0);
        s = sum(dst, 0, 16, s);
        s += (msg.length >>> 16) + (msg.length & 0xffff) + proto;
        return fold(sum(msg, 0, msg.length, s));
    }

    /** @return true when the ICMPv6/UDP checksum of the IPv6 packet starting at {@code l3} verifies */
    static boolean upperChecksumOk6(byte[] f, int l3, int ul) {
        int len = ((f[l3 + 4] & 0xff) << 8 | (f[l3 + 5] & 0xff)) - (ul - l3 - 40);
        int proto = 58;
        long s = sum(f, l3 + 8, 32, 0);
        s += (len >>> 16) + (len & 0xffff) + proto;
        return fold(sum(f, ul, len, s)) == 0;
    }

    // ---------------------------------------------------------------- layers

    static byte[] eth(String dst, String src, int type, byte[] payload) {
        return cat(mac(dst), mac(src), u16(type), payload);
    }

    static byte[] ipv6(int tc, int flow, int nh, int hl, byte[] src, byte[] dst, byte[] payload) {
        return cat(u32(6 << 28 | tc << 20 | flow), u16(payload.length), bytes(nh, hl), src, dst, payload);
    }

    static byte[] ipv6(int nh, int hl, String src, String dst, byte[] payload) {
        return ipv6(0, 0, nh, hl, a6(src), a6(dst), payload);
    }

    /** ICMPv6 message: type, code, checksum, then {@code rest} (parameter word and body). */
    static byte[] icmp6(String src, String dst, int type, int code, byte[] rest) {
        byte[] m = cat(bytes(type, code, 0, 0), rest);
        int c = csum6(a6(src), a6(dst), 58, m);
        m[2] = (byte) (c >>> 8);
        m[3] = (byte) c;
        return m;
    }

    /** A whole IPv6 ICMPv6 packet. */
    static byte[] ip6icmp(int hl, String src, String dst, int type, int code, byte[] rest) {
        return ipv6(58, hl, src, dst, icmp6(src, dst, type, code, rest));
    }

    static byte[] udp6(String src, String dst, int sport, int dport, byte[] data) {
        byte[] m = cat(u16(sport), u16(dport), u16(8 + data.length), u16(0), data);
        int c = csum6(a6(src), a6(dst), 17, m);
        m[6] = (byte) (c >>> 8);
        m[7] = (byte) c;
        return m;
    }

    /**
     * An SRH: {@code list0First} is Segment List[0] first (the last segment of the path);
     * Hdr Ext Len counts the segments and {@code tlvs} (a multiple of 8 bytes).
     */
    static byte[] srh(int nh, int sl, int lastEntry, byte[] tlvs, String... list0First) {
        byte[] segs = new byte[16 * list0First.length];
        for (int i = 0; i < list0First.length; i++) {
            System.arraycopy(a6(list0First[i]), 0, segs, 16 * i, 16);
        }
        int len = segs.length + tlvs.length;
        return cat(bytes(nh, len / 8, 4, sl, lastEntry, 0, 0, 0), segs, tlvs);
    }

    static byte[] ipv4(int tos, int id, int flagsFrag, int ttl, int proto, int src, int dst, byte[] payload) {
        byte[] h = cat(bytes(0x45, tos), u16(20 + payload.length), u16(id), u16(flagsFrag), bytes(ttl, proto, 0, 0),
                u32(src), u32(dst));
        int c = fold(sum(h, 0, 20, 0));
        h[10] = (byte) (c >>> 8);
        h[11] = (byte) c;
        return cat(h, payload);
    }

    static byte[] icmp4(int type, int code, byte[] rest) {
        byte[] m = cat(bytes(type, code, 0, 0), rest);
        int c = fold(sum(m, 0, m.length, 0));
        m[2] = (byte) (c >>> 8);
        m[3] = (byte) c;
        return m;
    }

    /** @return the IPv4 header checksum recomputed from scratch for the header at {@code off} */
    static int ipv4Checksum(byte[] f, int off) {
        byte[] h = slice(f, off, 20);
        h[10] = 0;
        h[11] = 0;
        return fold(sum(h, 0, 20, 0));
    }

    static int u16(byte[] b, int off) {
        return (b[off] & 0xff) << 8 | (b[off + 1] & 0xff);
    }
}
