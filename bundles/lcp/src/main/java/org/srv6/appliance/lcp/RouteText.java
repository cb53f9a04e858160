package org.srv6.appliance.lcp;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;

import org.srv6.appliance.api.packet.InetAddrs;

/**
 * A kernel route as the words of {@code ip route add} the appliance takes, with the port names of
 * its mirrors: {@code PREFIX [via GW] [encap seg6 mode M segs S,... | encap seg6local action A
 * PARAMS] dev PORT table T metric M}. What the appliance cannot take is a {@link Refused} with the
 * reason that is counted.
 */
public final class RouteText {
    /** A route the appliance does not take, with the reason counted for it (short, without addresses). */
    public static final class Refused extends Exception {
        private static final long serialVersionUID = 1L;

        public Refused(String reason) {
            super(reason, null, false, false);
        }
    }

    private static final String[] MODES = {"inline", "encap", "l2encap", "encap.red", "l2encap.red"};
    private static final String[] ACTIONS = {null, "End", "End.X", "End.T", "End.DX2", "End.DX6", "End.DX4",
        "End.DT6", "End.DT4", "End.B6", "End.B6.Encaps", "End.BM", "End.S", "End.AS", "End.AM", "End.BPF",
        "End.DT46"};
    private static final String[] FLAVORS = {null, "psp", "usp", "usd", "next-csid"};

    private RouteText() {
    }

    /** The route's prefix as the appliance keys it: {@code fc00::/64}, {@code 10.0.0.0/24}. */
    public static String prefix(Rtnl.Route r) {
        return addr(r.dst()) + "/" + r.dstLen();
    }

    static String addr(byte[] a) {
        return a.length == 4 ? InetAddrs.format4(((a[0] & 0xff) << 24) | ((a[1] & 0xff) << 16) | ((a[2] & 0xff) << 8) | (a[3] & 0xff))
                : InetAddrs.format6(a);
    }

    /** iproute2's name of a route protocol (/etc/iproute2/rt_protos), else its number. */
    public static String proto(int p) {
        return switch (p) {
            case 1 -> "redirect";
            case 2 -> "kernel";
            case 3 -> "boot";
            case 4 -> "static";
            case 8 -> "gated";
            case 9 -> "ra";
            case 10 -> "mrt";
            case 11 -> "zebra";
            case 12 -> "bird";
            case 13 -> "dnrouted";
            case 14 -> "xorp";
            case 15 -> "ntk";
            case 16 -> "dhcp";
            case 17 -> "mrouted";
            case 18 -> "keepalived";
            case 42 -> "babel";
            case 99 -> "openr";
            case 186 -> "bgp";
            case 187 -> "isis";
            case 188 -> "ospf";
            case 189 -> "rip";
            case 192 -> "eigrp";
            default -> Integer.toString(p);
        };
    }

    /**
     * True for a route the follower leaves alone without counting it refused: not unicast (local,
     * broadcast, multicast…), of the local table, a cached clone, or a connected route the kernel
     * made for an address (the appliance makes its own when the address is added).
     */
    public static boolean ignored(Rtnl.Route r) {
        if (r.type() != Rtnl.RTN_UNICAST || r.table() == Rtnl.RT_TABLE_LOCAL || (r.flags() & Rtnl.RTM_F_CLONED) != 0) {
            return true;
        }
        if (r.protocol() == Rtnl.RTPROT_KERNEL && r.nhId() == 0 && r.hops().size() == 1) {
            Rtnl.Hop h = r.hops().get(0);
            return h.gateway() == null && h.encap() == null;
        }
        return false;
    }

    /**
     * The words after {@code ip -F route add} for {@code r}. A multipath route (RTA_MULTIPATH, or a
     * nexthop group) becomes the appliance's multipath route, each path with its weight: {@code
     * PREFIX table T [metric M] nexthop via GW dev PORT weight W ...}.
     *
     * @param names    interface index → name in the control namespace
     * @param nexthops the nexthop objects by id
     * @param ports    the mirror mapping
     * @param notes    what was simplified (a resilient group taken as a plain one, per-path encap
     *                 reduced to the first path, paths out of unmirrored interfaces left out) is added here
     */
    public static String line(Rtnl.Route r, IntFunction<String> names, Map<Integer, Rtnl.Nexthop> nexthops,
            PortMap ports, List<String> notes) throws Refused {
        List<Rtnl.Hop> hops;
        if (r.nhId() != 0) {
            hops = resolve(r.nhId(), nexthops, notes, 0);
        } else if (r.hops().isEmpty()) {
            throw new Refused("route without next hop");
        } else {
            hops = r.hops();
        }
        if (hops.size() > 1) {
            boolean encap = false;
            for (Rtnl.Hop h : hops) {
                encap |= h.encap() != null;
            }
            if (encap) {
                notes.add("ecmp: first of " + hops.size() + " next hops taken (a path has an encap)");
                hops = hops.subList(0, 1);
            } else {
                List<Rtnl.Hop> kept = new ArrayList<>(hops.size());
                for (Rtnl.Hop h : hops) {
                    if (h.oif() == 0 || ports.port(names.apply(h.oif())) != null) {
                        kept.add(h);
                    }
                }
                if (kept.isEmpty()) {
                    throw new Refused("dev not a mirrored port");
                }
                if (kept.size() < hops.size()) {
                    notes.add("ecmp: paths out of interfaces that mirror no port left out");
                }
                if (kept.size() > 1) {
                    return multipath(r, kept, names, ports, notes);
                }
                hops = kept;
            }
        }
        Rtnl.Hop hop = hops.get(0);
        StringBuilder sb = new StringBuilder(prefix(r));
        Rtnl.Encap e = hop.encap();
        if (e == null && hop.gateway() != null) {
            sb.append(" via ").append(addr(hop.gateway()));
        }
        if (e != null) {
            if (e.type() == Rtnl.LWTUNNEL_ENCAP_SEG6) {
                if (e.mode() < 0 || e.mode() >= MODES.length) {
                    throw new Refused("unsupported seg6 mode " + e.mode());
                }
                sb.append(" encap seg6 mode ").append(MODES[e.mode()]).append(" segs ").append(segs(e.segments()));
                if (e.hmacKeyId() != 0) {
                    sb.append(" hmac ").append(Integer.toUnsignedString(e.hmacKeyId()));
                }
            } else if (e.type() == Rtnl.LWTUNNEL_ENCAP_SEG6_LOCAL) {
                sb.append(" encap seg6local action ").append(local(e, names, ports));
            } else {
                throw new Refused("unsupported encap type " + e.type());
            }
        }
        if (hop.oif() != 0) {
            String ifname = names.apply(hop.oif());
            String port = ports.port(ifname);
            if (port == null) {
                throw new Refused("dev not a mirrored port");
            }
            sb.append(" dev ").append(port);
        } else if (e == null || e.type() != Rtnl.LWTUNNEL_ENCAP_SEG6_LOCAL) {
            if (hop.gateway() == null) {
                throw new Refused("route without dev or gateway");
            }
        }
        tableAndMetric(sb, r);
        return sb.toString();
    }

    private static void tableAndMetric(StringBuilder sb, Rtnl.Route r) {
        sb.append(" table ").append(Integer.toUnsignedString(r.table()));
        if (r.priority() != 0) {
            sb.append(" metric ").append(Integer.toUnsignedString(r.priority()));
        }
    }

    /** The multipath line of plain paths, each out of a mirrored port or with a gateway. */
    private static String multipath(Rtnl.Route r, List<Rtnl.Hop> hops, IntFunction<String> names, PortMap ports,
            List<String> notes) throws Refused {
        StringBuilder sb = new StringBuilder(prefix(r));
        tableAndMetric(sb, r);
        for (Rtnl.Hop h : hops) {
            String port = h.oif() == 0 ? null : ports.port(names.apply(h.oif()));
            if (port == null && h.gateway() == null) {
                throw new Refused("route without dev or gateway");
            }
            sb.append(" nexthop");
            if (h.gateway() != null) {
                sb.append(" via ").append(addr(h.gateway()));
            }
            if (port != null) {
                sb.append(" dev ").append(port);
            }
            if (h.weight() > 256) {
                notes.add("ecmp: a weight above 256 taken as 256");
            }
            sb.append(" weight ").append(Math.min(h.weight(), 256));
        }
        return sb.toString();
    }

    /** The next hops of nexthop object {@code id}: itself, or each member of its group with the member's weight. */
    private static List<Rtnl.Hop> resolve(int id, Map<Integer, Rtnl.Nexthop> nexthops, List<String> notes, int depth)
            throws Refused {
        Rtnl.Nexthop nh = nexthops.get(id);
        if (nh == null || depth > 2) {
            throw new Refused("unknown nexthop id");
        }
        if (nh.group() != null) {
            if (nh.group().length == 0) {
                throw new Refused("empty nexthop group");
            }
            if (nh.resilient()) {
                notes.add("ecmp: a resilient nexthop group taken as a hash-threshold one");
            }
            List<Rtnl.Hop> out = new ArrayList<>();
            for (int i = 0; i < nh.group().length; i++) {
                for (Rtnl.Hop h : resolve(nh.group()[i], nexthops, notes, depth + 1)) {
                    out.add(new Rtnl.Hop(h.gateway(), h.oif(), h.encap(), nh.weight(i)));
                }
            }
            return out;
        }
        if (nh.blackhole()) {
            throw new Refused("blackhole nexthop");
        }
        return List.of(new Rtnl.Hop(nh.gateway(), nh.oif(), nh.encap()));
    }

    private static String segs(List<byte[]> s) {
        List<String> out = new ArrayList<>();
        for (byte[] a : s) {
            out.add(InetAddrs.format6(a));
        }
        return String.join(",", out);
    }

    /** The seg6local action and its parameters as iproute2 prints them. */
    private static String local(Rtnl.Encap e, IntFunction<String> names, PortMap ports) throws Refused {
        int a = e.action();
        if (a <= 0 || a >= ACTIONS.length) {
            throw new Refused("unsupported action " + a);
        }
        StringBuilder sb = new StringBuilder(ACTIONS[a]);
        if (e.hasSrh()) {
            sb.append(" srh segs ").append(segs(e.segments()));
            if (e.hmacKeyId() != 0) {
                sb.append(" hmac ").append(Integer.toUnsignedString(e.hmacKeyId()));
            }
        }
        if (e.table() != 0) {
            sb.append(" table ").append(Integer.toUnsignedString(e.table()));
        }
        if (e.vrfTable() != 0) {
            sb.append(" vrftable ").append(Integer.toUnsignedString(e.vrfTable()));
        }
        if (e.nh4() != null) {
            sb.append(" nh4 ").append(addr(e.nh4()));
        }
        if (e.nh6() != null) {
            sb.append(" nh6 ").append(addr(e.nh6()));
        }
        if (e.iif() != 0) {
            sb.append(" iif ").append(port(e.iif(), names, ports));
        }
        if (e.oif() != 0) {
            sb.append(" oif ").append(port(e.oif(), names, ports));
        }
        if (e.flavors() != 0) {
            List<String> f = new ArrayList<>();
            for (int i = 1; i < FLAVORS.length; i++) {
                if ((e.flavors() & (1 << i)) != 0) {
                    f.add(FLAVORS[i]);
                }
            }
            if (f.isEmpty()) {
                throw new Refused("unsupported flavors");
            }
            sb.append(" flavors ").append(String.join(",", f));
        }
        return sb.toString();
    }

    private static String port(int index, IntFunction<String> names, PortMap ports) throws Refused {
        String p = ports.port(names.apply(index));
        if (p == null) {
            throw new Refused("seg6local iif/oif not a mirrored port");
        }
        return p;
    }
}
