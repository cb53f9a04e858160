package org.srv6.appliance.core.internal.io.pcap;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.srv6.appliance.api.packet.InetAddrs;

import io.netty.buffer.ByteBuf;

/**
 * The filter of {@code srv6:capture ... filter EXPR}, compiled once into a tree of tests that
 * look at a frame's bytes in place: no allocation, no lock per frame.
 *
 * <pre>
 * expr    : and ('or' and)*
 * and     : unary ('and' unary)*
 * unary   : 'not' unary | '(' expr ')' | primary
 * primary : 'sid' ADDR6            IPv6 destination == ADDR6, or ADDR6 in the SRH's segment list
 *         | 'host' ADDR            IPv6 or IPv4 source or destination == ADDR
 *         | 'proto' NAME           icmp6 | icmp | udp | tcp | srh | arp | ipv6 | ipv4
 * </pre>
 * The tests read the outer headers (an 802.1Q tag is skipped): {@code proto udp} is the upper
 * layer after the outer IPv6 extension headers, {@code proto srh} an outer routing header of
 * type 4.
 */
public abstract class CaptureFilter {

    /** Matches every frame. */
    public static final CaptureFilter ALL = new CaptureFilter() {
        @Override
        public boolean matches(ByteBuf f) {
            return true;
        }

        @Override
        public String toString() {
            return "";
        }
    };

    /** The protocol names {@code proto} takes. */
    public static final List<String> PROTOS = List.of("icmp6", "icmp", "udp", "tcp", "srh", "arp", "ipv6", "ipv4");

    private static final int ETH_IPV6 = 0x86dd;
    private static final int ETH_IPV4 = 0x0800;
    private static final int ETH_ARP = 0x0806;
    private static final int ETH_VLAN = 0x8100;
    /** Extension headers walked at most: enough for any sane packet, bounded for a hostile one. */
    private static final int MAX_EXT = 8;

    CaptureFilter() {
    }

    /** @return whether the frame (reader index .. writer index, left unchanged) is wanted */
    public abstract boolean matches(ByteBuf frame);

    /**
     * @param expr the filter text; blank for every frame
     * @throws IllegalArgumentException with one line saying what is wrong
     */
    public static CaptureFilter compile(String expr) {
        List<String> tokens = tokens(expr == null ? "" : expr);
        if (tokens.isEmpty()) {
            return ALL;
        }
        Parser p = new Parser(tokens);
        CaptureFilter f = p.or();
        if (p.pos < tokens.size()) {
            throw new IllegalArgumentException("unexpected '" + tokens.get(p.pos) + "' in filter");
        }
        return f;
    }

    private static List<String> tokens(String s) {
        List<String> out = new ArrayList<>();
        StringBuilder w = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isWhitespace(c) || c == '(' || c == ')') {
                if (w.length() > 0) {
                    out.add(w.toString());
                    w.setLength(0);
                }
                if (c != ' ' && !Character.isWhitespace(c)) {
                    out.add(String.valueOf(c));
                }
            } else {
                w.append(c);
            }
        }
        if (w.length() > 0) {
            out.add(w.toString());
        }
        return out;
    }

    private static final class Parser {
        final List<String> t;
        int pos;

        Parser(List<String> t) {
            this.t = t;
        }

        String next(String what) {
            if (pos >= t.size()) {
                throw new IllegalArgumentException("filter ends where " + what + " was expected");
            }
            return t.get(pos++);
        }

        boolean peek(String word) {
            return pos < t.size() && t.get(pos).equalsIgnoreCase(word);
        }

        CaptureFilter or() {
            CaptureFilter f = and();
            while (peek("or")) {
                pos++;
                f = new Or(f, and());
            }
            return f;
        }

        CaptureFilter and() {
            CaptureFilter f = unary();
            while (peek("and")) {
                pos++;
                f = new And(f, unary());
            }
            return f;
        }

        CaptureFilter unary() {
            String w = next("sid, host, proto, not or '('").toLowerCase(Locale.ROOT);
            switch (w) {
                case "not" -> {
                    return new Not(unary());
                }
                case "(" -> {
                    CaptureFilter f = or();
                    if (!next("')'").equals(")")) {
                        throw new IllegalArgumentException("missing ')' in filter");
                    }
                    return new Group(f);
                }
                case "sid" -> {
                    String a = next("an IPv6 address after sid");
                    try {
                        return new Sid(InetAddrs.parse6(a), a);
                    } catch (IllegalArgumentException e) {
                        throw new IllegalArgumentException("sid needs an IPv6 address, not '" + a + "'");
                    }
                }
                case "host" -> {
                    String a = next("an address after host");
                    try {
                        return a.indexOf(':') >= 0 ? new Host6(InetAddrs.parse6(a), a) : new Host4(InetAddrs.parse4(a), a);
                    } catch (IllegalArgumentException e) {
                        throw new IllegalArgumentException("host needs an IPv6 or IPv4 address, not '" + a + "'");
                    }
                }
                case "proto" -> {
                    String n = next("a protocol after proto").toLowerCase(Locale.ROOT);
                    if (!PROTOS.contains(n)) {
                        throw new IllegalArgumentException("unknown protocol '" + n + "'; expected one of " + String.join("|", PROTOS));
                    }
                    return new Proto(n);
                }
                default -> throw new IllegalArgumentException("unexpected '" + w + "' in filter; expected sid, host, proto, not or '('");
            }
        }
    }

    // --- frame access (all offsets relative to the frame's reader index) ---------------------

    /** @return the offset of the network header, its ethertype in the upper 16 bits; -1 when too short */
    static long l3(ByteBuf f) {
        int r = f.readerIndex();
        int n = f.readableBytes();
        if (n < 14) {
            return -1;
        }
        int type = f.getUnsignedShort(r + 12);
        int off = 14;
        if (type == ETH_VLAN) {
            if (n < 18) {
                return -1;
            }
            type = f.getUnsignedShort(r + 16);
            off = 18;
        }
        return ((long) type << 16) | off;
    }

    /** @return the IPv6 header's offset, or -1 when the frame carries no whole IPv6 header */
    static int ipv6(ByteBuf f) {
        long l = l3(f);
        if (l < 0 || (l >>> 16) != ETH_IPV6) {
            return -1;
        }
        int off = (int) (l & 0xffff);
        return f.readableBytes() >= off + 40 ? off : -1;
    }

    /** @return the IPv4 header's offset, or -1 */
    static int ipv4(ByteBuf f) {
        long l = l3(f);
        if (l < 0 || (l >>> 16) != ETH_IPV4) {
            return -1;
        }
        int off = (int) (l & 0xffff);
        return f.readableBytes() >= off + 20 ? off : -1;
    }

    /**
     * Walks the IPv6 extension headers. Returns the upper-layer protocol in the low byte and,
     * when an SRH (routing type 4) was met, its offset + 1 in the upper bits; -1 when truncated.
     */
    static long walk6(ByteBuf f, int ip6) {
        int r = f.readerIndex();
        int n = f.readableBytes();
        int nh = f.getUnsignedByte(r + ip6 + 6);
        int off = ip6 + 40;
        long srh = 0;
        for (int k = 0; k < MAX_EXT; k++) {
            if (nh != 0 && nh != 43 && nh != 60 && nh != 44) {
                break;
            }
            if (off + 8 > n) {
                return -1;
            }
            int next = f.getUnsignedByte(r + off);
            int len;
            if (nh == 44) {
                len = 8;
            } else {
                len = (f.getUnsignedByte(r + off + 1) + 1) * 8;
                if (nh == 43 && f.getUnsignedByte(r + off + 2) == 4 && srh == 0) {
                    srh = off + 1;
                }
            }
            nh = next;
            off += len;
        }
        return (srh << 8) | nh;
    }

    static boolean equal16(ByteBuf f, int at, byte[] a) {
        int r = f.readerIndex() + at;
        if (f.getLong(r) != longAt(a, 0)) {
            return false;
        }
        return f.getLong(r + 8) == longAt(a, 8);
    }

    static long longAt(byte[] a, int off) {
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = (v << 8) | (a[off + i] & 0xff);
        }
        return v;
    }

    // --- the tests -----------------------------------------------------------------------------

    private static final class And extends CaptureFilter {
        final CaptureFilter a;
        final CaptureFilter b;

        And(CaptureFilter a, CaptureFilter b) {
            this.a = a;
            this.b = b;
        }

        @Override
        public boolean matches(ByteBuf f) {
            return a.matches(f) && b.matches(f);
        }

        @Override
        public String toString() {
            return a + " and " + b;
        }
    }

    private static final class Or extends CaptureFilter {
        final CaptureFilter a;
        final CaptureFilter b;

        Or(CaptureFilter a, CaptureFilter b) {
            this.a = a;
            this.b = b;
        }

        @Override
        public boolean matches(ByteBuf f) {
            return a.matches(f) || b.matches(f);
        }

        @Override
        public String toString() {
            return a + " or " + b;
        }
    }

    private static final class Not extends CaptureFilter {
        final CaptureFilter a;

        Not(CaptureFilter a) {
            this.a = a;
        }

        @Override
        public boolean matches(ByteBuf f) {
            return !a.matches(f);
        }

        @Override
        public String toString() {
            return "not " + a;
        }
    }

    private static final class Group extends CaptureFilter {
        final CaptureFilter a;

        Group(CaptureFilter a) {
            this.a = a;
        }

        @Override
        public boolean matches(ByteBuf f) {
            return a.matches(f);
        }

        @Override
        public String toString() {
            return "(" + a + ")";
        }
    }

    private static final class Sid extends CaptureFilter {
        final long hi;
        final long lo;
        final String text;

        Sid(byte[] a, String text) {
            this.hi = longAt(a, 0);
            this.lo = longAt(a, 8);
            this.text = text;
        }

        @Override
        public boolean matches(ByteBuf f) {
            int ip6 = ipv6(f);
            if (ip6 < 0) {
                return false;
            }
            int r = f.readerIndex();
            if (f.getLong(r + ip6 + 24) == hi && f.getLong(r + ip6 + 32) == lo) {
                return true;
            }
            long w = walk6(f, ip6);
            if (w < 0 || (w >>> 8) == 0) {
                return false;
            }
            int srh = (int) (w >>> 8) - 1;
            int n = f.readableBytes();
            int last = f.getUnsignedByte(r + srh + 4);
            int hdrLen = f.getUnsignedByte(r + srh + 1) * 8 + 8;
            for (int i = 0; i <= last; i++) {
                int at = srh + 8 + 16 * i;
                if (at + 16 > srh + hdrLen || at + 16 > n) {
                    return false;
                }
                if (f.getLong(r + at) == hi && f.getLong(r + at + 8) == lo) {
                    return true;
                }
            }
            return false;
        }

        @Override
        public String toString() {
            return "sid " + text;
        }
    }

    private static final class Host6 extends CaptureFilter {
        final long hi;
        final long lo;
        final String text;

        Host6(byte[] a, String text) {
            this.hi = longAt(a, 0);
            this.lo = longAt(a, 8);
            this.text = text;
        }

        @Override
        public boolean matches(ByteBuf f) {
            int ip6 = ipv6(f);
            if (ip6 < 0) {
                return false;
            }
            int r = f.readerIndex() + ip6;
            return f.getLong(r + 8) == hi && f.getLong(r + 16) == lo
                    || f.getLong(r + 24) == hi && f.getLong(r + 32) == lo;
        }

        @Override
        public String toString() {
            return "host " + text;
        }
    }

    private static final class Host4 extends CaptureFilter {
        final int a;
        final String text;

        Host4(int a, String text) {
            this.a = a;
            this.text = text;
        }

        @Override
        public boolean matches(ByteBuf f) {
            int ip4 = ipv4(f);
            if (ip4 >= 0) {
                int r = f.readerIndex() + ip4;
                return f.getInt(r + 12) == a || f.getInt(r + 16) == a;
            }
            long l = l3(f);
            if (l >= 0 && (l >>> 16) == ETH_ARP) {
                // ARP for IPv4 over Ethernet: sender at 14, target at 24
                int off = (int) (l & 0xffff);
                if (f.readableBytes() < off + 28) {
                    return false;
                }
                int r = f.readerIndex() + off;
                return f.getInt(r + 14) == a || f.getInt(r + 24) == a;
            }
            return false;
        }

        @Override
        public String toString() {
            return "host " + text;
        }
    }

    private static final class Proto extends CaptureFilter {
        final String name;
        final int kind;

        Proto(String name) {
            this.name = name;
            this.kind = PROTOS.indexOf(name);
        }

        @Override
        public boolean matches(ByteBuf f) {
            long l = l3(f);
            if (l < 0) {
                return false;
            }
            int type = (int) (l >>> 16);
            switch (kind) {
                case 5:
                    return type == ETH_ARP;
                case 6:
                    return type == ETH_IPV6;
                case 7:
                    return type == ETH_IPV4;
                default:
                    break;
            }
            int upper;
            boolean srh = false;
            if (type == ETH_IPV6) {
                int ip6 = ipv6(f);
                if (ip6 < 0) {
                    return false;
                }
                long w = walk6(f, ip6);
                if (w < 0) {
                    return false;
                }
                upper = (int) (w & 0xff);
                srh = (w >>> 8) != 0;
            } else if (type == ETH_IPV4) {
                int ip4 = ipv4(f);
                if (ip4 < 0) {
                    return false;
                }
                upper = f.getUnsignedByte(f.readerIndex() + ip4 + 9);
            } else {
                return false;
            }
            switch (kind) {
                case 0:
                    return type == ETH_IPV6 && upper == 58;
                case 1:
                    return type == ETH_IPV4 && upper == 1;
                case 2:
                    return upper == 17;
                case 3:
                    return upper == 6;
                case 4:
                    return srh;
                default:
                    return false;
            }
        }

        @Override
        public String toString() {
            return "proto " + name;
        }
    }
}
