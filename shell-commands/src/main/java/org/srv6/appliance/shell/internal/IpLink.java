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
 * {@code ip link}: ports (TAP and pcap) added, deleted, set up/down, MTU, MAC and the table of
 * their input ({@code vrf T}: there are no VRF devices here, so T is the table itself), shown.
 */
final class IpLink {
    private IpLink() {
    }

    static String execute(PortService ps, List<String> a, boolean stats) throws DataplaneException {
        String verb = a.isEmpty() ? "show" : a.remove(0);
        if (isShow(verb)) {
            return show(ps, a, stats);
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

    private static String show(PortService ps, List<String> a, boolean stats) throws DataplaneException {
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
        String name = next(a, "port name; expected ip link add NAME type tap [queues N] [netns NS [name IFNAME]]");
        int queues = 1;
        String type = null;
        String netns = null;
        String ifname = null;
        String in = null;
        String out = null;
        while (!a.isEmpty()) {
            String k = a.remove(0);
            switch (k) {
                case "type" -> type = next(a, "link type; expected tap or pcap");
                case "queues", "numrxqueues", "numtxqueues" -> queues = number(next(a, "queue count"), "queue count");
                case "in" -> in = next(a, "pcap file after in");
                case "out" -> out = next(a, "pcap file after out");
                case "netns" -> netns = next(a, "network namespace after netns");
                case "name" -> ifname = next(a, "interface name after name");
                default -> throw fail("unknown link option '" + k
                        + "'; expected type tap [queues N] [netns NS [name IFNAME]] or type pcap [in FILE] [out FILE]");
            }
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
            throw fail("unsupported link type '" + type + "'; expected type tap or type pcap");
        }
        if (in != null || out != null) {
            throw fail("in/out FILE belong to type pcap; a tap port takes [queues N] [netns NS [name IFNAME]]");
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
