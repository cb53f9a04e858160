package org.srv6.appliance.lcp;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The rtnetlink messages the follower reads, parsed from the bytes the kernel sends (native byte
 * order) with plain {@link ByteBuffer}s: links, addresses, routes (with multipath, nexthop ids and
 * the seg6 / seg6local lightweight tunnels), nexthop objects and neighbors. Anything malformed (a length that
 * does not fit, an attribute too short) makes that message a {@link Malformed}; unknown message
 * types and attributes are skipped. Nothing here throws on input.
 */
public final class Rtnl {
    // nlmsghdr types
    public static final int NLMSG_ERROR = 2;
    public static final int NLMSG_DONE = 3;
    public static final int RTM_NEWLINK = 16;
    public static final int RTM_DELLINK = 17;
    public static final int RTM_GETLINK = 18;
    public static final int RTM_NEWADDR = 20;
    public static final int RTM_DELADDR = 21;
    public static final int RTM_GETADDR = 22;
    public static final int RTM_NEWROUTE = 24;
    public static final int RTM_DELROUTE = 25;
    public static final int RTM_GETROUTE = 26;
    public static final int RTM_NEWNEIGH = 28;
    public static final int RTM_DELNEIGH = 29;
    public static final int RTM_GETNEIGH = 30;
    public static final int RTM_NEWNEXTHOP = 104;
    public static final int RTM_DELNEXTHOP = 105;
    public static final int RTM_GETNEXTHOP = 106;

    public static final int NLM_F_REQUEST = 1;
    public static final int NLM_F_MULTI = 2;
    public static final int NLM_F_DUMP = 0x300;

    public static final int AF_INET = 2;
    public static final int AF_INET6 = 10;

    // multicast groups
    public static final int RTNLGRP_LINK = 1;
    public static final int RTNLGRP_NEIGH = 3;
    public static final int RTNLGRP_IPV4_IFADDR = 5;
    public static final int RTNLGRP_IPV4_ROUTE = 7;
    public static final int RTNLGRP_IPV6_IFADDR = 9;
    public static final int RTNLGRP_IPV6_ROUTE = 11;
    public static final int RTNLGRP_NEXTHOP = 32;

    // route types, protocols, tables
    public static final int RTN_UNICAST = 1;
    public static final int RTPROT_KERNEL = 2;
    public static final int RT_TABLE_LOCAL = 255;
    public static final int RTM_F_CLONED = 0x200;

    // neighbor states (ndm_state) and flags (ndm_flags)
    public static final int NUD_INCOMPLETE = 0x01;
    public static final int NUD_REACHABLE = 0x02;
    public static final int NUD_STALE = 0x04;
    public static final int NUD_NOARP = 0x40;
    public static final int NUD_PERMANENT = 0x80;
    public static final int NTF_PROXY = 0x08;

    // lightweight tunnels
    public static final int LWTUNNEL_ENCAP_SEG6 = 5;
    public static final int LWTUNNEL_ENCAP_SEG6_LOCAL = 7;

    private Rtnl() {
    }

    /** One parsed netlink message. */
    public sealed interface Msg permits Link, Addr, Route, Nexthop, Neigh, Done, Error, Malformed, Other {
    }

    /** RTM_NEWLINK / RTM_DELLINK. */
    public record Link(boolean add, int index, String name) implements Msg {
    }

    /** RTM_NEWADDR / RTM_DELADDR: the interface's own address ({@code IFA_LOCAL} for IPv4) and prefix length. */
    public record Addr(boolean add, int family, int index, byte[] address, int prefixLen) implements Msg {
    }

    /**
     * One next hop: a gateway (null when on-link), an output interface (0 when none) and its weight
     * in a multipath route (1..256; 1 for a single next hop).
     */
    public record Hop(byte[] gateway, int oif, Encap encap, int weight) {
        public Hop(byte[] gateway, int oif, Encap encap) {
            this(gateway, oif, encap, 1);
        }
    }

    /**
     * A lightweight tunnel: seg6 ({@code mode}, {@code segments} in the order iproute2 prints them,
     * {@code hmacKeyId} or 0) or seg6local ({@code action} and its attributes).
     */
    public record Encap(int type, int mode, List<byte[]> segments, int hmacKeyId, int action, int table,
            int vrfTable, byte[] nh4, byte[] nh6, int iif, int oif, int flavors, boolean hasSrh) {
    }

    /**
     * RTM_NEWROUTE / RTM_DELROUTE.
     *
     * @param hops    the next hops: one for a plain route, each of RTA_MULTIPATH's, none with a nexthop id
     * @param nhId    RTA_NH_ID or 0
     */
    public record Route(boolean add, int family, int dstLen, byte[] dst, int table, int protocol, int type,
            int flags, int priority, int nhId, List<Hop> hops) implements Msg {
    }

    /**
     * RTM_NEWNEXTHOP / RTM_DELNEXTHOP: a single next hop or a group of ids, each with its weight
     * (1..65536, {@code weights} null when there is no group); {@code resilient} for a group of
     * type resilient (NHA_GROUP_TYPE 1).
     */
    public record Nexthop(boolean add, int id, int family, byte[] gateway, int oif, int[] group,
            boolean blackhole, Encap encap, int[] weights, boolean resilient) implements Msg {
        /** A nexthop without group weights (each member weight 1). */
        public Nexthop(boolean add, int id, int family, byte[] gateway, int oif, int[] group, boolean blackhole,
                Encap encap) {
            this(add, id, family, gateway, oif, group, blackhole, encap, null, false);
        }

        /** @return the weight of group member {@code i} */
        public int weight(int i) {
            return weights == null ? 1 : weights[i];
        }
    }

    /**
     * RTM_NEWNEIGH / RTM_DELNEIGH of an IPv4 or IPv6 neighbor: ndmsg's interface, state (NUD_*),
     * flags (NTF_*) and type (RTN_*), NDA_DST, NDA_LLADDR (null when absent: unresolved, or a device
     * without link-layer addresses) and NDA_PROTOCOL (0 when absent).
     */
    public record Neigh(boolean add, int family, int index, int state, int flags, int type, byte[] dst,
            byte[] lladdr, int protocol) implements Msg {
    }

    /** NLMSG_DONE of a dump. */
    public record Done(int seq) implements Msg {
    }

    /** NLMSG_ERROR: errno (0 for an acknowledgement) of request {@code seq}. */
    public record Error(int seq, int errno) implements Msg {
    }

    /** A message that could not be read; {@code why} says what was wrong. */
    public record Malformed(int type, String why) implements Msg {
    }

    /** A message type the follower has no use for. */
    public record Other(int type) implements Msg {
    }

    /** Parses every message in {@code buf[0..len)}, handing each to {@code out}; @return the number of messages */
    public static int parse(byte[] buf, int len, Consumer<Msg> out) {
        ByteBuffer b = ByteBuffer.wrap(buf, 0, Math.min(len, buf.length)).order(ByteOrder.nativeOrder());
        int n = 0;
        int off = 0;
        int end = Math.min(len, buf.length);
        while (end - off >= 16) {
            int mlen = b.getInt(off);
            int type = b.getShort(off + 4) & 0xffff;
            int seq = b.getInt(off + 8);
            if (mlen < 16 || mlen > end - off) {
                out.accept(new Malformed(type, "message length " + mlen + " with " + (end - off) + " bytes left"));
                return n + 1;
            }
            Msg m;
            try {
                m = one(b, type, seq, off + 16, off + mlen);
            } catch (RuntimeException e) { // a bounds check of ours missed: the message, never the reader
                m = new Malformed(type, e.toString());
            }
            out.accept(m);
            n++;
            off += align(mlen);
        }
        return n;
    }

    /** Parses every message of {@code buf} into a list (tests). */
    public static List<Msg> parse(byte[] buf) {
        List<Msg> out = new ArrayList<>();
        parse(buf, buf.length, out::add);
        return out;
    }

    static int align(int n) {
        return (n + 3) & ~3;
    }

    private static Msg one(ByteBuffer b, int type, int seq, int p, int end) {
        switch (type) {
            case NLMSG_DONE:
                return new Done(seq);
            case NLMSG_ERROR:
                if (end - p < 4) {
                    return new Malformed(type, "error message too short");
                }
                return new Error(seq, -b.getInt(p));
            case RTM_NEWLINK:
            case RTM_DELLINK:
                return link(b, type == RTM_NEWLINK, p, end);
            case RTM_NEWADDR:
            case RTM_DELADDR:
                return addr(b, type == RTM_NEWADDR, p, end);
            case RTM_NEWROUTE:
            case RTM_DELROUTE:
                return route(b, type == RTM_NEWROUTE, p, end);
            case RTM_NEWNEXTHOP:
            case RTM_DELNEXTHOP:
                return nexthop(b, type == RTM_NEWNEXTHOP, p, end);
            case RTM_NEWNEIGH:
            case RTM_DELNEIGH:
                return neigh(b, type == RTM_NEWNEIGH, p, end);
            default:
                return new Other(type);
        }
    }

    private static Msg link(ByteBuffer b, boolean add, int p, int end) {
        if (end - p < 16) {
            return new Malformed(add ? RTM_NEWLINK : RTM_DELLINK, "ifinfomsg too short");
        }
        int index = b.getInt(p + 4);
        String name = null;
        Attrs x = new Attrs(b, p + 16, end);
        while (x.next()) {
            if (x.type == 3 /* IFLA_IFNAME */) {
                name = string(b, x.v, x.v + x.vl);
            }
        }
        if (x.bad >= 0) {
            return new Malformed(RTM_NEWLINK, "attribute length " + x.bad);
        }
        if (name == null && add) {
            return new Malformed(RTM_NEWLINK, "link " + index + " without IFLA_IFNAME");
        }
        return new Link(add, index, name);
    }

    private static Msg addr(ByteBuffer b, boolean add, int p, int end) {
        int t = add ? RTM_NEWADDR : RTM_DELADDR;
        if (end - p < 8) {
            return new Malformed(t, "ifaddrmsg too short");
        }
        int family = b.get(p) & 0xff;
        int plen = b.get(p + 1) & 0xff;
        int index = b.getInt(p + 4);
        byte[] address = null;
        byte[] local = null;
        Attrs x = new Attrs(b, p + 8, end);
        while (x.next()) {
            if (x.type == 1 /* IFA_ADDRESS */) {
                address = bytes(b, x.v, x.v + x.vl);
            } else if (x.type == 2 /* IFA_LOCAL */) {
                local = bytes(b, x.v, x.v + x.vl);
            }
        }
        if (x.bad >= 0) {
            return new Malformed(t, "attribute length " + x.bad);
        }
        byte[] own = local != null ? local : address;
        int want = family == AF_INET ? 4 : family == AF_INET6 ? 16 : -1;
        if (own == null || own.length != want) {
            return want < 0 ? new Other(t) : new Malformed(t, "address of family " + family + " without a " + want + "-byte IFA_ADDRESS");
        }
        return new Addr(add, family == AF_INET ? 4 : 6, index, own, plen);
    }

    private static Msg route(ByteBuffer b, boolean add, int p, int end) {
        int t = add ? RTM_NEWROUTE : RTM_DELROUTE;
        if (end - p < 12) {
            return new Malformed(t, "rtmsg too short");
        }
        int family = b.get(p) & 0xff;
        if (family != AF_INET && family != AF_INET6) {
            return new Other(t);
        }
        int alen4 = family == AF_INET ? 4 : 16;
        int dstLen = b.get(p + 1) & 0xff;
        int table = b.get(p + 4) & 0xff;
        int protocol = b.get(p + 5) & 0xff;
        int type = b.get(p + 7) & 0xff;
        int flags = b.getInt(p + 8);
        byte[] dst = new byte[alen4];
        byte[] gateway = null;
        int oif = 0;
        int priority = 0;
        int nhId = 0;
        int encapType = 0;
        int encapAt = -1;
        int encapEnd = -1;
        List<Hop> hops = new ArrayList<>();
        boolean multipath = false;
        Attrs x = new Attrs(b, p + 12, end);
        while (x.next()) {
            int v = x.v;
            int vl = x.vl;
            switch (x.type) {
                case 1 -> { // RTA_DST
                    if (vl != alen4) {
                        return new Malformed(t, "RTA_DST of " + vl + " bytes");
                    }
                    dst = bytes(b, v, v + vl);
                }
                case 4 -> oif = u32(b, v, vl, -1); // RTA_OIF
                case 5 -> { // RTA_GATEWAY
                    if (vl != alen4) {
                        return new Malformed(t, "RTA_GATEWAY of " + vl + " bytes");
                    }
                    gateway = bytes(b, v, v + vl);
                }
                case 6 -> priority = u32(b, v, vl, 0); // RTA_PRIORITY
                case 9 -> { // RTA_MULTIPATH
                    multipath = true;
                    String bad = multipath(b, v, v + vl, alen4, hops);
                    if (bad != null) {
                        return new Malformed(t, bad);
                    }
                }
                case 15 -> table = u32(b, v, vl, table); // RTA_TABLE
                case 18 -> { // RTA_VIA: a gateway of the other family, which the appliance has no use for
                    return new Malformed(t, "RTA_VIA (gateway of another family) is not supported");
                }
                case 21 -> encapType = vl >= 2 ? b.getShort(v) & 0xffff : 0; // RTA_ENCAP_TYPE
                case 22 -> { // RTA_ENCAP
                    encapAt = v;
                    encapEnd = v + vl;
                }
                case 30 -> nhId = u32(b, v, vl, 0); // RTA_NH_ID
                default -> { }
            }
        }
        if (x.bad >= 0) {
            return new Malformed(t, "attribute length " + x.bad);
        }
        if (dstLen > alen4 * 8) {
            return new Malformed(t, "prefix length " + dstLen);
        }
        if (!multipath && nhId == 0) {
            Encap e = null;
            if (encapType != 0) {
                if (encapAt < 0) {
                    return new Malformed(t, "RTA_ENCAP_TYPE without RTA_ENCAP");
                }
                e = encap(b, encapType, encapAt, encapEnd);
                if (e == null) {
                    return new Malformed(t, "malformed RTA_ENCAP of type " + encapType);
                }
            }
            hops.add(new Hop(gateway, oif, e));
        }
        return new Route(add, family == AF_INET ? 4 : 6, dstLen, dst, table, protocol, type, flags, priority, nhId,
                List.copyOf(hops));
    }

    /** RTA_MULTIPATH: rtnexthop {len u16, flags u8, hops u8, ifindex s32} then its attributes; @return null or what is wrong */
    private static String multipath(ByteBuffer b, int p, int end, int alen4, List<Hop> hops) {
        while (end - p >= 8) {
            int len = b.getShort(p) & 0xffff;
            if (len < 8 || p + len > end) {
                return "rtnexthop length " + len;
            }
            int weight = (b.get(p + 3) & 0xff) + 1; // rtnh_hops: weight - 1
            int oif = b.getInt(p + 4);
            byte[] gw = null;
            int encapType = 0;
            int encapAt = -1;
            int encapEnd = -1;
            Attrs x = new Attrs(b, p + 8, p + len);
            while (x.next()) {
                if (x.type == 5 && x.vl == alen4) {
                    gw = bytes(b, x.v, x.v + x.vl);
                } else if (x.type == 21 && x.vl >= 2) {
                    encapType = b.getShort(x.v) & 0xffff;
                } else if (x.type == 22) {
                    encapAt = x.v;
                    encapEnd = x.v + x.vl;
                } else if (x.type == 18) {
                    return "RTA_VIA (gateway of another family) is not supported";
                }
            }
            if (x.bad >= 0) {
                return "multipath attribute length " + x.bad;
            }
            Encap e = null;
            if (encapType != 0 && encapAt >= 0) {
                e = encap(b, encapType, encapAt, encapEnd);
                if (e == null) {
                    return "malformed RTA_ENCAP in a multipath next hop";
                }
            }
            hops.add(new Hop(gw, oif, e, weight));
            p += align(len);
        }
        return null;
    }

    /** Parses RTA_ENCAP of a seg6 or seg6local route; any other type is kept with its type alone; null when malformed. */
    static Encap encap(ByteBuffer b, int type, int p, int end) {
        if (type == LWTUNNEL_ENCAP_SEG6) {
            Attrs x = new Attrs(b, p, end);
            while (x.next()) {
                if (x.type == 1 /* SEG6_IPTUNNEL_SRH */) {
                    int v = x.v;
                    if (x.vl < 4 + 8) {
                        return null;
                    }
                    int mode = b.getInt(v);
                    SrhSegs s = srh(b, v + 4, v + x.vl);
                    if (s == null) {
                        return null;
                    }
                    return new Encap(type, mode, s.segments, s.hmacKeyId, 0, 0, 0, null, null, 0, 0, 0, true);
                }
            }
            return null; // no SRH, or a malformed attribute
        }
        if (type == LWTUNNEL_ENCAP_SEG6_LOCAL) {
            int action = 0;
            int table = 0;
            int vrf = 0;
            byte[] nh4 = null;
            byte[] nh6 = null;
            int iif = 0;
            int oif = 0;
            int flavors = 0;
            SrhSegs srh = null;
            Attrs x = new Attrs(b, p, end);
            while (x.next()) {
                int v = x.v;
                int vl = x.vl;
                switch (x.type) {
                    case 1 -> action = u32(b, v, vl, 0);
                    case 2 -> {
                        srh = srh(b, v, v + vl);
                        if (srh == null) {
                            return null;
                        }
                    }
                    case 3 -> table = u32(b, v, vl, 0);
                    case 4 -> nh4 = vl == 4 ? bytes(b, v, v + 4) : null;
                    case 5 -> nh6 = vl == 16 ? bytes(b, v, v + 16) : null;
                    case 6 -> iif = u32(b, v, vl, 0);
                    case 7 -> oif = u32(b, v, vl, 0);
                    case 9 -> vrf = u32(b, v, vl, 0);
                    case 11 -> { // SEG6_LOCAL_FLAVORS: nested, SEG6_LOCAL_FLV_OPERATION (1) u32
                        for (int f = v; f + 8 <= v + vl;) {
                            int flen = b.getShort(f) & 0xffff;
                            if (flen < 4 || f + flen > v + vl) {
                                return null;
                            }
                            if ((b.getShort(f + 2) & 0x3fff) == 1 && flen >= 8) {
                                flavors = b.getInt(f + 4);
                            }
                            f += align(flen);
                        }
                    }
                    default -> { }
                }
            }
            if (x.bad >= 0) {
                return null;
            }
            return new Encap(type, 0, srh == null ? List.of() : srh.segments, srh == null ? 0 : srh.hmacKeyId, action,
                    table, vrf, nh4, nh6, iif, oif, flavors, srh != null);
        }
        return new Encap(type, 0, List.of(), 0, 0, 0, 0, null, null, 0, 0, 0, false);
    }

    private record SrhSegs(List<byte[]> segments, int hmacKeyId) {
    }

    /** struct ipv6_sr_hdr: segments from first_segment down to 0 (the order iproute2 prints), and the HMAC TLV's key id. */
    private static SrhSegs srh(ByteBuffer b, int p, int end) {
        if (end - p < 8) {
            return null;
        }
        int hdrLen = b.get(p + 1) & 0xff;
        int first = b.get(p + 4) & 0xff;
        int flags = b.get(p + 5) & 0xff;
        int total = 8 + hdrLen * 8;
        if (total > end - p || 8 + (first + 1) * 16 > total) {
            return null;
        }
        List<byte[]> segs = new ArrayList<>();
        for (int i = first; i >= 0; i--) {
            segs.add(bytes(b, p + 8 + i * 16, p + 8 + i * 16 + 16));
        }
        int hmac = 0;
        if ((flags & 0x08) != 0) { // SR6_FLAG1_HMAC: the TLVs after the segments, HMAC (type 5) with its key id
            for (int t = p + 8 + (first + 1) * 16; t + 2 <= p + total;) {
                int tt = b.get(t) & 0xff;
                if (tt == 0) { // Pad1
                    t++;
                    continue;
                }
                int tl = b.get(t + 1) & 0xff;
                if (tt == 5 && tl >= 6 && t + 8 <= p + total) {
                    hmac = b.order(ByteOrder.BIG_ENDIAN).getInt(t + 4);
                    b.order(ByteOrder.nativeOrder());
                    break;
                }
                t += 2 + tl;
            }
        }
        return new SrhSegs(List.copyOf(segs), hmac);
    }

    private static Msg nexthop(ByteBuffer b, boolean add, int p, int end) {
        int t = add ? RTM_NEWNEXTHOP : RTM_DELNEXTHOP;
        if (end - p < 8) {
            return new Malformed(t, "nhmsg too short");
        }
        int family = b.get(p) & 0xff;
        int id = 0;
        byte[] gw = null;
        int oif = 0;
        int[] group = null;
        int[] weights = null;
        boolean resilient = false;
        boolean blackhole = false;
        int encapType = 0;
        int encapAt = -1;
        int encapEnd = -1;
        Attrs x = new Attrs(b, p + 8, end);
        while (x.next()) {
            int v = x.v;
            int vl = x.vl;
            switch (x.type) {
                case 1 -> id = u32(b, v, vl, 0);
                case 2 -> { // NHA_GROUP: struct nexthop_grp {u32 id; u8 weight; u8 weight_high; u16 resvd}
                    group = new int[vl / 8];
                    weights = new int[group.length];
                    for (int i = 0; i < group.length; i++) {
                        group[i] = b.getInt(v + 8 * i);
                        weights[i] = ((b.get(v + 8 * i + 5) & 0xff) << 8 | (b.get(v + 8 * i + 4) & 0xff)) + 1;
                    }
                }
                case 3 -> resilient = vl >= 2 && (b.getShort(v) & 0xffff) == 1; // NHA_GROUP_TYPE
                case 4 -> blackhole = true;
                case 5 -> oif = u32(b, v, vl, 0);
                case 6 -> gw = vl == 4 || vl == 16 ? bytes(b, v, v + vl) : null;
                case 7 -> encapType = vl >= 2 ? b.getShort(v) & 0xffff : 0;
                case 8 -> {
                    encapAt = v;
                    encapEnd = v + vl;
                }
                default -> { }
            }
        }
        if (x.bad >= 0) {
            return new Malformed(t, "attribute length " + x.bad);
        }
        if (id == 0) {
            return new Malformed(t, "nexthop without NHA_ID");
        }
        Encap e = encapType != 0 && encapAt >= 0 ? encap(b, encapType, encapAt, encapEnd) : null;
        return new Nexthop(add, id, family == AF_INET ? 4 : family == AF_INET6 ? 6 : 0, gw, oif, group, blackhole, e,
                weights, resilient);
    }

    /**
     * struct ndmsg {u8 family, pad1; u16 pad2; s32 ifindex; u16 state; u8 flags, type} then NDA_DST (1),
     * NDA_LLADDR (2), NDA_PROTOCOL (12). Other families (AF_BRIDGE's forwarding entries) are not the
     * follower's: {@link Other}.
     */
    private static Msg neigh(ByteBuffer b, boolean add, int p, int end) {
        int t = add ? RTM_NEWNEIGH : RTM_DELNEIGH;
        if (end - p < 12) {
            return new Malformed(t, "ndmsg too short");
        }
        int family = b.get(p) & 0xff;
        if (family != AF_INET && family != AF_INET6) {
            return new Other(t);
        }
        int alen4 = family == AF_INET ? 4 : 16;
        int index = b.getInt(p + 4);
        int state = b.getShort(p + 8) & 0xffff;
        int flags = b.get(p + 10) & 0xff;
        int type = b.get(p + 11) & 0xff;
        byte[] dst = null;
        byte[] lladdr = null;
        int protocol = 0;
        Attrs x = new Attrs(b, p + 12, end);
        while (x.next()) {
            int v = x.v;
            int vl = x.vl;
            switch (x.type) {
                case 1 -> { // NDA_DST
                    if (vl != alen4) {
                        return new Malformed(t, "NDA_DST of " + vl + " bytes");
                    }
                    dst = bytes(b, v, v + vl);
                }
                case 2 -> lladdr = bytes(b, v, v + vl); // NDA_LLADDR: 6 bytes on Ethernet, other sizes elsewhere
                case 12 -> protocol = vl >= 1 ? b.get(v) & 0xff : 0; // NDA_PROTOCOL
                default -> { }
            }
        }
        if (x.bad >= 0) {
            return new Malformed(t, "attribute length " + x.bad);
        }
        if (dst == null) {
            return new Malformed(t, "neighbor without NDA_DST");
        }
        return new Neigh(add, family == AF_INET ? 4 : 6, index, state, flags, type, dst, lladdr, protocol);
    }

    /**
     * Walks the rtattrs {u16 len, u16 type (flags masked), value} from {@code from} to {@code end},
     * 4-byte aligned: after each {@link #next()} that returns true, {@link #type}, {@link #v} (where
     * the value starts) and {@link #vl} (its length) name one attribute. A length that does not fit
     * ends the walk with {@link #bad} set to it (-1 while none).
     */
    private static final class Attrs {
        private final ByteBuffer b;
        private final int end;
        private int at;
        int type;
        int v;
        int vl;
        int bad = -1;

        Attrs(ByteBuffer b, int from, int end) {
            this.b = b;
            this.at = from;
            this.end = end;
        }

        boolean next() {
            if (at + 4 > end) {
                return false;
            }
            int len = b.getShort(at) & 0xffff;
            if (len < 4 || at + len > end) {
                bad = len;
                return false;
            }
            type = b.getShort(at + 2) & 0x3fff;
            v = at + 4;
            vl = len - 4;
            at += align(len);
            return true;
        }
    }

    private static int u32(ByteBuffer b, int v, int vl, int dflt) {
        return vl >= 4 ? b.getInt(v) : dflt;
    }

    private static byte[] bytes(ByteBuffer b, int from, int to) {
        byte[] out = new byte[to - from];
        for (int i = 0; i < out.length; i++) {
            out[i] = b.get(from + i);
        }
        return out;
    }

    private static String string(ByteBuffer b, int from, int to) {
        StringBuilder sb = new StringBuilder();
        for (int i = from; i < to; i++) {
            byte c = b.get(i);
            if (c == 0) {
                break;
            }
            sb.append((char) (c & 0xff));
        }
        return sb.toString();
    }

    // requests

    /** A dump request of {@code type} with a zeroed family header of {@code hdrLen} bytes, family {@code family}. */
    public static byte[] dumpRequest(int type, int hdrLen, int family, int seq) {
        ByteBuffer b = ByteBuffer.allocate(16 + hdrLen).order(ByteOrder.nativeOrder());
        b.putInt(16 + hdrLen).putShort((short) type).putShort((short) (NLM_F_REQUEST | NLM_F_DUMP)).putInt(seq).putInt(0);
        b.put((byte) family);
        return b.array();
    }
}
