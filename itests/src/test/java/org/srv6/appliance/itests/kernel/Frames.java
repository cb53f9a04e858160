package org.srv6.appliance.itests.kernel;

import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

/**
 * Builds test frames byte by byte (Ethernet, IPv6, SRH with TLVs, ICMPv6 echo, UDP, IPv4) with
 * correct lengths and checksums, and compares frames with a readable hex diff.
 */
public final class Frames {

    private Frames() {
    }

    public static byte[] mac(String s) {
        String[] p = s.split(":");
        byte[] m = new byte[6];
        for (int i = 0; i < 6; i++) {
            m[i] = (byte) Integer.parseInt(p[i], 16);
        }
        return m;
    }

    public static byte[] ip(String s) {
        try {
            return InetAddress.getByName(s).getAddress();
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not an IP address: " + s, e);
        }
    }

    public static int ethertype(byte[] f) {
        return ((f[12] & 0xff) << 8) | (f[13] & 0xff);
    }

    public static byte[] ethernet(byte[] dst, byte[] src, int type, byte[] payload) {
        byte[] f = new byte[14 + payload.length];
        System.arraycopy(dst, 0, f, 0, 6);
        System.arraycopy(src, 0, f, 6, 6);
        f[12] = (byte) (type >> 8);
        f[13] = (byte) type;
        System.arraycopy(payload, 0, f, 14, payload.length);
        return f;
    }

    /** IPv6 header + payload; {@code payload} starts with the header named by {@code nextHeader}. */
    public static byte[] ipv6(String src, String dst, int nextHeader, int hopLimit, int flowLabel, byte[] payload) {
        byte[] p = new byte[40 + payload.length];
        p[0] = 0x60;
        p[1] = (byte) ((flowLabel >> 16) & 0x0f);
        p[2] = (byte) (flowLabel >> 8);
        p[3] = (byte) flowLabel;
        p[4] = (byte) (payload.length >> 8);
        p[5] = (byte) payload.length;
        p[6] = (byte) nextHeader;
        p[7] = (byte) hopLimit;
        System.arraycopy(ip(src), 0, p, 8, 16);
        System.arraycopy(ip(dst), 0, p, 24, 16);
        System.arraycopy(payload, 0, p, 40, payload.length);
        return p;
    }

    /** IPv6 header with a traffic class + payload. */
    public static byte[] ipv6(String src, String dst, int nextHeader, int hopLimit, int trafficClass, int flowLabel,
                              byte[] payload) {
        byte[] p = ipv6(src, dst, nextHeader, hopLimit, flowLabel, payload);
        p[0] = (byte) (0x60 | ((trafficClass >> 4) & 0x0f));
        p[1] = (byte) (((trafficClass & 0x0f) << 4) | ((flowLabel >> 16) & 0x0f));
        return p;
    }

    /**
     * ICMPv6 message {@code type}/{@code code} whose body (after the checksum) is {@code body}, with
     * the checksum over the given addresses (RFC 4443 §2.3).
     */
    public static byte[] icmpv6(int type, int code, String src, String dst, byte[] body) {
        byte[] m = new byte[4 + body.length];
        m[0] = (byte) type;
        m[1] = (byte) code;
        System.arraycopy(body, 0, m, 4, body.length);
        int c = checksum6(src, dst, 58, m);
        m[2] = (byte) (c >> 8);
        m[3] = (byte) c;
        return m;
    }

    /** ICMPv6 error (RFC 4443): 32-bit parameter (pointer, MTU or unused) followed by the quoted packet. */
    public static byte[] icmpv6Error(int type, int code, long parameter, String src, String dst, byte[] quoted) {
        byte[] body = new byte[4 + quoted.length];
        body[0] = (byte) (parameter >> 24);
        body[1] = (byte) (parameter >> 16);
        body[2] = (byte) (parameter >> 8);
        body[3] = (byte) parameter;
        System.arraycopy(quoted, 0, body, 4, quoted.length);
        return icmpv6(type, code, src, dst, body);
    }

    /** Lower-case hex of {@code b}, for messages and notes. */
    public static String hex(byte[] b) {
        StringBuilder sb = new StringBuilder();
        for (byte x : b) {
            sb.append(String.format("%02x", x & 0xff));
        }
        return sb.toString();
    }

    /** PadN TLV of total length {@code total} (>= 2). */
    public static byte[] padN(int total) {
        byte[] t = new byte[total];
        t[0] = 4;
        t[1] = (byte) (total - 2);
        return t;
    }

    /** An opaque TLV (e.g. HMAC-like, type 5) with the given value. */
    public static byte[] tlv(int type, byte[] value) {
        byte[] t = new byte[2 + value.length];
        t[0] = (byte) type;
        t[1] = (byte) value.length;
        System.arraycopy(value, 0, t, 2, value.length);
        return t;
    }

    /**
     * Segment Routing Header (RFC 8754): {@code segments} in SRH order (index 0 = last segment),
     * TLVs appended, followed by {@code payload}.
     */
    public static byte[] srh(int nextHeader, int segmentsLeft, int flags, int tag, List<String> segments,
                             byte[] tlvs, byte[] payload) {
        int len = 8 + 16 * segments.size() + tlvs.length;
        if (len % 8 != 0) {
            throw new IllegalArgumentException("SRH length " + len + " is not a multiple of 8; pad the TLVs");
        }
        byte[] h = new byte[len + payload.length];
        h[0] = (byte) nextHeader;
        h[1] = (byte) (len / 8 - 1);
        h[2] = 4;
        h[3] = (byte) segmentsLeft;
        h[4] = (byte) (segments.size() - 1);
        h[5] = (byte) flags;
        h[6] = (byte) (tag >> 8);
        h[7] = (byte) tag;
        for (int i = 0; i < segments.size(); i++) {
            System.arraycopy(ip(segments.get(i)), 0, h, 8 + 16 * i, 16);
        }
        System.arraycopy(tlvs, 0, h, 8 + 16 * segments.size(), tlvs.length);
        System.arraycopy(payload, 0, h, len, payload.length);
        return h;
    }

    /** ICMPv6 echo request (type 128) or reply (129) with checksum over the given addresses. */
    public static byte[] icmpv6Echo(int type, String src, String dst, int id, int seq, byte[] data) {
        byte[] m = new byte[8 + data.length];
        m[0] = (byte) type;
        m[4] = (byte) (id >> 8);
        m[5] = (byte) id;
        m[6] = (byte) (seq >> 8);
        m[7] = (byte) seq;
        System.arraycopy(data, 0, m, 8, data.length);
        int c = checksum6(src, dst, 58, m);
        m[2] = (byte) (c >> 8);
        m[3] = (byte) c;
        return m;
    }

    /** UDP datagram with checksum over the given IPv6 or IPv4 addresses. */
    public static byte[] udp(String src, String dst, int sport, int dport, byte[] data) {
        byte[] u = new byte[8 + data.length];
        u[0] = (byte) (sport >> 8);
        u[1] = (byte) sport;
        u[2] = (byte) (dport >> 8);
        u[3] = (byte) dport;
        u[4] = (byte) (u.length >> 8);
        u[5] = (byte) u.length;
        System.arraycopy(data, 0, u, 8, data.length);
        int c = ip(src).length == 16 ? checksum6(src, dst, 17, u) : checksum4(src, dst, 17, u);
        if (c == 0) {
            c = 0xffff;
        }
        u[6] = (byte) (c >> 8);
        u[7] = (byte) c;
        return u;
    }

    /** IPv4 header (no options, DF clear) + payload, with header checksum. */
    public static byte[] ipv4(String src, String dst, int protocol, int ttl, int id, byte[] payload) {
        byte[] p = new byte[20 + payload.length];
        p[0] = 0x45;
        p[2] = (byte) (p.length >> 8);
        p[3] = (byte) p.length;
        p[4] = (byte) (id >> 8);
        p[5] = (byte) id;
        p[8] = (byte) ttl;
        p[9] = (byte) protocol;
        System.arraycopy(ip(src), 0, p, 12, 4);
        System.arraycopy(ip(dst), 0, p, 16, 4);
        int c = ~sum(p, 0, 20, 0) & 0xffff;
        p[10] = (byte) (c >> 8);
        p[11] = (byte) c;
        System.arraycopy(payload, 0, p, 20, payload.length);
        return p;
    }

    /** {@link #ipv4} with a type-of-service octet (DSCP/ECN), header checksum recomputed. */
    public static byte[] ipv4(String src, String dst, int protocol, int ttl, int id, int tos, byte[] payload) {
        byte[] p = ipv4(src, dst, protocol, ttl, id, payload);
        p[1] = (byte) tos;
        p[10] = 0;
        p[11] = 0;
        int c = ~sum(p, 0, 20, 0) & 0xffff;
        p[10] = (byte) (c >> 8);
        p[11] = (byte) c;
        return p;
    }

    static int checksum6(String src, String dst, int nh, byte[] upper) {
        ByteArrayOutputStream ph = new ByteArrayOutputStream();
        ph.writeBytes(ip(src));
        ph.writeBytes(ip(dst));
        ph.writeBytes(new byte[] {(byte) (upper.length >> 24), (byte) (upper.length >> 16), (byte) (upper.length >> 8),
                (byte) upper.length, 0, 0, 0, (byte) nh});
        byte[] p = ph.toByteArray();
        return ~sum(upper, 0, upper.length, sum(p, 0, p.length, 0)) & 0xffff;
    }

    static int checksum4(String src, String dst, int proto, byte[] upper) {
        byte[] p = new byte[12];
        System.arraycopy(ip(src), 0, p, 0, 4);
        System.arraycopy(ip(dst), 0, p, 4, 4);
        p[9] = (byte) proto;
        p[10] = (byte) (upper.length >> 8);
        p[11] = (byte) upper.length;
        return ~sum(upper, 0, upper.length, sum(p, 0, 12, 0)) & 0xffff;
    }

    private static int sum(byte[] b, int off, int len, int acc) {
        long s = acc;
        for (int i = 0; i + 1 < len; i += 2) {
            s += ((b[off + i] & 0xff) << 8) | (b[off + i + 1] & 0xff);
        }
        if ((len & 1) != 0) {
            s += (b[off + len - 1] & 0xff) << 8;
        }
        while ((s >> 16) != 0) {
            s = (s & 0xffff) + (s >> 16);
        }
        return (int) s;
    }

    /**
     * Compares two Ethernet frames from the ethertype on (Ethernet addresses differ between the
     * two routers); when {@code ignoreFlowLabel} the IPv6 flow label (SPEC §1: only where the
     * router computes it) is ignored too. Returns null when equal, else a readable hex diff.
     */
    public static String diff(byte[] expected, byte[] actual, boolean ignoreFlowLabel) {
        if (expected == null || actual == null) {
            return "missing frame: expected " + (expected == null ? "none" : expected.length + " bytes")
                    + ", got " + (actual == null ? "none" : actual.length + " bytes");
        }
        StringBuilder sb = new StringBuilder();
        int n = Math.max(expected.length, actual.length);
        boolean differs = expected.length != actual.length;
        for (int i = 12; i < n; i++) {
            if (ignoreFlowLabel && i >= 16 && i <= 17 && ethertype(expected) == 0x86DD) {
                continue;
            }
            int e = i < expected.length ? expected[i] & 0xff : -1;
            int a = i < actual.length ? actual[i] & 0xff : -1;
            if (ignoreFlowLabel && i == 15 && ethertype(expected) == 0x86DD && e >= 0 && a >= 0) {
                // low nibble of this octet is the top of the flow label, high nibble the traffic class
                e &= 0xf0;
                a &= 0xf0;
            }
            if (e != a) {
                differs = true;
            }
        }
        if (!differs) {
            return null;
        }
        sb.append("frames differ (expected ").append(expected.length).append(" bytes, got ").append(actual.length)
                .append("); lines marked * differ\n");
        for (int row = 0; row < n; row += 16) {
            StringBuilder le = new StringBuilder();
            StringBuilder la = new StringBuilder();
            boolean mark = false;
            for (int i = row; i < Math.min(row + 16, n); i++) {
                int e = i < expected.length ? expected[i] & 0xff : -1;
                int a = i < actual.length ? actual[i] & 0xff : -1;
                le.append(e < 0 ? "--" : String.format("%02x", e)).append(' ');
                la.append(a < 0 ? "--" : String.format("%02x", a)).append(' ');
                boolean ignored = i < 12 || (ignoreFlowLabel && i >= 16 && i <= 17);
                boolean differs15 = ignoreFlowLabel && i == 15 ? (e & 0xf0) != (a & 0xf0) : e != a;
                mark |= differs15 && !ignored;
            }
            sb.append(String.format("%s%04x exp %s%n %04x got %s%n", mark ? "*" : " ", row, le, row, la));
        }
        return sb.toString();
    }

    public static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            o.writeBytes(p);
        }
        return o.toByteArray();
    }
}
