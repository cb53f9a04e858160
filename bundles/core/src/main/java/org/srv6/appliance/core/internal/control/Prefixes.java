package org.srv6.appliance.core.internal.control;

import org.srv6.appliance.api.dataplane.DataplaneException;
import org.srv6.appliance.api.dataplane.RouteGrammar;
import org.srv6.appliance.api.packet.Ethernet;
import org.srv6.appliance.api.packet.InetAddrs;
import org.srv6.appliance.api.packet.Ipv6;
import org.srv6.appliance.core.internal.engine.PortState;
import org.srv6.appliance.core.internal.engine.Tables;

/**
 * Owns the address and prefix text of the control plane: an {@link Addr} per typed address, a
 * {@link Parsed} per route prefix (host bits cleared), and the small byte helpers they share.
 */
final class Prefixes {
    private Prefixes() {
    }

    /** An address as configured, with its prefix length and canonical text. */
    record Addr(int family, byte[] bytes, int len, String text) {
        long hi() {
            return Ipv6.hi(bytes);
        }

        long lo() {
            return Ipv6.lo(bytes);
        }

        int v4() {
            return toInt4(bytes);
        }

        /** The address without its length. */
        String host() {
            return text.substring(0, text.indexOf('/'));
        }
    }

    /** A route prefix with its host bits cleared and its iproute2 text ({@code default} for length 0). */
    record Parsed(int family, byte[] addr, int len, long hi, long lo, int v4, String text) {
    }

    static Addr parseCidr(String cidr, int defaultLen6, int defaultLen4) throws DataplaneException {
        if (cidr == null) {
            throw new DataplaneException("missing address; expected ADDRESS/LEN");
        }
        int slash = cidr.indexOf('/');
        String a = slash < 0 ? cidr : cidr.substring(0, slash);
        try {
            if (InetAddrs.is6(a)) {
                byte[] b = InetAddrs.parse6(a);
                int len = slash < 0 ? defaultLen6 : Integer.parseInt(cidr.substring(slash + 1));
                if (len < 0 || len > 128) {
                    throw new DataplaneException("prefix length " + len + " out of range; expected 0..128");
                }
                return new Addr(6, b, len, InetAddrs.format6(b) + "/" + len);
            }
            if (InetAddrs.is4(a)) {
                int v = InetAddrs.parse4(a);
                int len = slash < 0 ? defaultLen4 : Integer.parseInt(cidr.substring(slash + 1));
                if (len < 0 || len > 32) {
                    throw new DataplaneException("prefix length " + len + " out of range; expected 0..32");
                }
                byte[] b = {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v};
                return new Addr(4, b, len, InetAddrs.format4(v) + "/" + len);
            }
        } catch (NumberFormatException e) {
            throw new DataplaneException("bad prefix length in '" + cidr + "'; expected ADDRESS/LEN");
        } catch (IllegalArgumentException e) {
            // falls through to the message below
        }
        throw new DataplaneException("bad address '" + cidr + "'; expected an IPv6 or IPv4 address[/LEN]");
    }

    static Parsed prefix(String text, int family) throws DataplaneException {
        String t = text == null || text.equals("default") ? (family == 4 ? "0.0.0.0/0" : "::/0") : text;
        Addr a = parseCidr(t, 128, 32);
        if (family != 0 && a.family != family) {
            throw new DataplaneException("prefix " + text + " is not IPv" + family + "; use ip -" + a.family + " route");
        }
        byte[] m = a.bytes.clone();
        for (int i = 0; i < m.length; i++) {
            int keep = Math.max(0, Math.min(8, a.len - 8 * i));
            m[i] &= (byte) (0xff << (8 - keep));
        }
        if (a.family == 6) {
            String s = InetAddrs.format6(m) + (a.len == 128 ? "" : "/" + a.len);
            return new Parsed(6, m, a.len, Ipv6.hi(m), Ipv6.lo(m), 0, a.len == 0 ? "default" : s);
        }
        int v = toInt4(m);
        String s = InetAddrs.format4(v) + (a.len == 32 ? "" : "/" + a.len);
        return new Parsed(4, m, a.len, 0, 0, v, a.len == 0 ? "default" : s);
    }

    static String tableName(int t) {
        return RouteGrammar.tableName(t);
    }

    /** The port's EUI-64 link-local address (fe80::/64) for {@code mac}. */
    static byte[] linkLocal(long mac) {
        byte[] b = new byte[16];
        writeLong(b, 0, PortState.LINK_LOCAL_HI);
        writeLong(b, 8, PortState.linkLocalLo(mac));
        return b;
    }

    static String mac(long m) {
        return InetAddrs.formatMac(Ethernet.longToMac(m), 0);
    }

    static int toInt4(byte[] b) {
        return (b[0] & 0xff) << 24 | (b[1] & 0xff) << 16 | (b[2] & 0xff) << 8 | (b[3] & 0xff);
    }

    static void writeLong(byte[] b, int off, long v) {
        for (int i = 7; i >= 0; i--) {
            b[off + i] = (byte) v;
            v >>>= 8;
        }
    }
}
