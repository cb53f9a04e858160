package org.srv6.appliance.shell.internal;

import static org.srv6.appliance.shell.internal.Args.answer;
import static org.srv6.appliance.shell.internal.Args.fail;
import static org.srv6.appliance.shell.internal.Args.isShow;
import static org.srv6.appliance.shell.internal.Args.matches;
import static org.srv6.appliance.shell.internal.Args.next;
import static org.srv6.appliance.shell.internal.Args.number;
import static org.srv6.appliance.shell.internal.Args.skipDev;

import java.nio.file.Path;
import java.util.List;

import org.srv6.appliance.api.dataplane.DataplaneException;
import org.srv6.appliance.api.dataplane.PortCounters;
import org.srv6.appliance.api.dataplane.PortInfo;
import org.srv6.appliance.api.dataplane.PortService;
import org.srv6.appliance.api.dataplane.RouteGrammar;

/**
 * {@code ip link}: ports (TAP, AF_PACKET and pcap) added, deleted, set up/down, MTU, MAC and the table of
 * their input ({@code vrf T}: there are no VRF devices here, so T is the table itself), shown.
 */
final class IpLink {
    private IpLink() {
    }

    static String execute(PortService ps, List<String> a, boolean stats) throws DataplaneException {
        return execute(ps, a, stats, false);
    }

    /** @param details {@code ip -d}: how each port is made, as the {@code ip link add} words that make it */
    static String execute(PortService ps, List<String> a, boolean stats, boolean details) throws DataplaneException {
        String verb = a.isEmpty() ? "show" : a.remove(0);
        if (isShow(verb)) {
            return show(ps, a, stats, details);
        }
        if (verb.equals("add")) {
            add(ps, a);
            return "";
        }
        if (matches(verb, "delete", 1)) {
            skipDev(a);
            ps.delete(next(a, "port name; expected ip link del NAME"));
            return "";
        }
        if (verb.equals("set")) {
            set(ps, a);
            return "";
        }
        throw fail("unknown link command '" + verb + "'; expected add, del, set, show");
    }

    /** The first two lines iproute2 prints for a link, shared with {@code ip addr show}. */
    static void header(StringBuilder sb, PortInfo p) {
        sb.append(p.index()).append(": ").append(p.name()).append(": <BROADCAST,MULTICAST")
                .append(p.up() ? ",UP,LOWER_UP" : "").append("> mtu ").append(p.mtu())
                .append(p.table() == RouteGrammar.MAIN ? "" : " vrf " + RouteGrammar.tableName(p.table()))
                .append(" state ").append(p.up() ? "UP" : "DOWN").append('\n')
                .append("    link/ether ").append(p.mac()).append(" brd ff:ff:ff:ff:ff:ff")
                .append(p.netns() == null ? "" : " link-netns " + p.netns()
                        + (p.ifname() == null ? "" : " ifname " + p.ifname()))
                .append('\n');
    }

    /**
     * The third line of a packet port (always) and of a TAP ({@code -d}): its type and placement
     * as {@code ip link add NAME} takes them; with {@code -d} a packet port's rings follow.
     */
    private static void kind(StringBuilder sb, PortInfo p, boolean details) {
        if ("packet".equals(p.type())) {
            sb.append("    type packet dev ").append(p.ifname()).append('\n');
            if (details && p.io() != null) {
                sb.append("    rings ").append(p.io()).append('\n');
            }
        } else if (details && "tap".equals(p.type())) {
            sb.append("    type tap").append(p.queues() > 1 ? " queues " + p.queues() : "")
                    .append(p.netns() == null ? "" : " netns " + p.netns() + (p.ifname() == null ? "" : " name " + p.ifname()))
                    .append('\n');
        }
    }

    private static String show(PortService ps, List<String> a, boolean stats, boolean details) throws DataplaneException {
        String name = null;
        if (!a.isEmpty()) {
            skipDev(a);
            name = next(a, "port name after dev");
        }
        StringBuilder sb = new StringBuilder();
        for (PortInfo p : ps.list()) {
            if (name != null && !p.name().equals(name)) {
                continue;
            }
            header(sb, p);
            kind(sb, p, details);
            if (stats) {
                PortCounters c = ps.counters(p.name());
                sb.append("    RX:  bytes packets errors dropped\n")
                        .append(String.format("    %10d %7d %6d %7d%n", c.rxBytes(), c.rxPackets(), 0, c.rxDropped()))
                        .append("    TX:  bytes packets errors dropped\n")
                        .append(String.format("    %10d %7d %6d %7d%n", c.txBytes(), c.txPackets(), 0, c.txDropped()));
            }
        }
        if (name != null && sb.length() == 0) {
            throw answer("Device \"" + name + "\" does not exist.");
        }
        return sb.toString();
    }

    private static void add(PortService ps, List<String> a) throws DataplaneException {
        String name = next(a, "port name; expected ip link add NAME type tap [queues N] [netns NS [name IFNAME]]"
                + " or type packet dev IFNAME");
        int queues = 0; // none given: one per event loop
        boolean queuesGiven = false;
        String dev = null;
        String type = null;
        String netns = null;
        String ifname = null;
        String in = null;
        String out = null;
        while (!a.isEmpty()) {
            String k = a.remove(0);
            switch (k) {
                case "type" -> type = next(a, "link type; expected tap, packet or pcap");
                case "queues", "numrxqueues", "numtxqueues" -> {
                    queues = number(next(a, "queue count"), "queue count");
                    queuesGiven = true;
                }
                case "dev", "link" -> dev = next(a, "interface after " + k);
                case "in" -> in = next(a, "pcap file after in");
                case "out" -> out = next(a, "pcap file after out");
                case "netns" -> netns = next(a, "network namespace after netns");
                case "name" -> ifname = next(a, "interface name after name");
                default -> throw fail("unknown link option '" + k
                        + "'; expected type tap [queues N] [netns NS [name IFNAME]], type packet dev IFNAME"
                        + " or type pcap [in FILE] [out FILE]");
            }
        }
        if ("packet".equals(type)) {
            if (queuesGiven || netns != null || ifname != null || in != null || out != null) {
                throw fail("a packet port takes only dev IFNAME (an interface of the appliance's namespace)");
            }
            if (dev == null) {
                throw fail("a packet port needs dev IFNAME: the interface to attach to");
            }
            ps.addPacket(name, dev);
            return;
        }
        if (dev != null) {
            throw fail("dev IFNAME belongs to type packet; a " + (type == null ? "tap" : type) + " port does not take it");
        }
        if ("pcap".equals(type)) {
            if (netns != null || ifname != null) {
                throw fail("netns and name belong to type tap; a pcap port takes [in FILE] [out FILE]");
            }
            if (in == null && out == null) {
                throw fail("a pcap port needs in FILE, out FILE or both");
            }
            ps.addPcap(name, in == null ? null : Path.of(in), out == null ? null : Path.of(out));
            return;
        }
        if (!"tap".equals(type)) {
            throw fail("unsupported link type '" + type + "'; expected type tap, type packet or type pcap");
        }
        if (in != null || out != null) {
            throw fail("in/out FILE belong to type pcap; a tap port takes [queues N] [netns NS [name IFNAME]]");
        }
        if (queuesGiven && queues < 1) {
            throw fail("queues " + queues + " out of range; expected 1..16");
        }
        if (netns == null && ifname == null) {
            ps.addTap(name, queues);
        } else {
            ps.addTap(name, queues, netns, ifname);
        }
    }

    /** A table as {@code ip route} names it: a number, or main. */
    private static int table(String t) {
        int id = RouteGrammar.tableId(t);
        if (id == -1 || id == 0 || id == RouteGrammar.LOCAL) {
            throw fail("invalid table '" + t + "' for a port; expected a number from 1 to 4294967295 other than 255, or main");
        }
        return id;
    }

    private static void set(PortService ps, List<String> a) throws DataplaneException {
        skipDev(a);
        String name = next(a, "port name; expected ip link set NAME up|down|mtu N|address MAC|vrf T|nomaster");
        if (a.isEmpty()) {
            throw fail("nothing to set on " + name + "; expected up, down, mtu N, address MAC, vrf T or nomaster");
        }
        while (!a.isEmpty()) {
            String k = a.remove(0);
            switch (k) {
                case "up" -> ps.setUp(name, true);
                case "down" -> ps.setUp(name, false);
                case "mtu" -> ps.setMtu(name, number(next(a, "MTU after mtu"), "MTU"));
                case "address", "addr", "lladdr" -> ps.setMac(name, next(a, "MAC after address"));
                case "vrf", "master", "table" -> ps.setTable(name, table(next(a, "table after " + k)));
                case "nomaster", "novrf" -> ps.setTable(name, RouteGrammar.MAIN);
                default -> throw fail("unknown link setting '" + k
                        + "'; expected up, down, mtu N, address MAC, vrf T or nomaster");
            }
        }
    }
}
