package org.srv6.appliance.shell.internal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.srv6.appliance.api.dataplane.AddressInfo;
import org.srv6.appliance.api.dataplane.AddressService;
import org.srv6.appliance.api.dataplane.DataplaneException;
import org.srv6.appliance.api.dataplane.NeighborInfo;
import org.srv6.appliance.api.dataplane.NeighborService;
import org.srv6.appliance.api.dataplane.PortCounters;
import org.srv6.appliance.api.dataplane.PortInfo;
import org.srv6.appliance.api.dataplane.PortService;
import org.srv6.appliance.api.dataplane.RouteInfo;
import org.srv6.appliance.api.dataplane.RouteService;
import org.srv6.appliance.api.dataplane.RouteSpec;
import org.srv6.appliance.api.dataplane.SrService;

/**
 * The {@code ip} command in the iproute2 dialect: parses one command line into calls on the
 * dataplane services and returns the text iproute2 would print. Objects and verbs accept the
 * same abbreviations as iproute2 (any prefix of the word, checked in iproute2's order).
 */
final class Ip {

    /** Where the dataplane services come from; any may be null while the core is absent. */
    interface Services {
        PortService portService();
        AddressService addresses();
        RouteService routes();
        NeighborService neighbors();
        SrService sr();
    }

    /** Route keywords that end an encap's parameters, as in iproute2's route parser. */
    private static final Set<String> ROUTE_KEYWORDS =
            Set.of("dev", "via", "metric", "proto", "scope", "src", "mtu", "onlink", "pref", "expires");

    private final Services services;

    Ip(Services services) {
        this.services = services;
    }

    /** Runs one line; a rejected line throws IllegalArgumentException with a one-line message. */
    String execute(List<String> args) {
        List<String> a = new ArrayList<>(args);
        if (!a.isEmpty() && a.get(0).equals("ip")) {
            a.remove(0);
        }
        int family = 0;
        boolean stats = false;
        while (!a.isEmpty() && a.get(0).startsWith("-")) {
            String o = a.remove(0);
            switch (o) {
                case "-4" -> family = 4;
                case "-6" -> family = 6;
                case "-s", "-stats", "-statistics" -> stats = true;
                case "-d", "-details" -> { }
                default -> throw fail("unknown option '" + o + "'; expected -4, -6, -s or -d");
            }
        }
        if (a.isEmpty()) {
            throw fail("missing object; expected link, addr, route, neigh, sr");
        }
        String obj = a.remove(0);
        try {
            if (matches(obj, "link", 1)) {
                return link(a, stats);
            } else if (matches(obj, "address", 1)) {
                return addr(a, family);
            } else if (matches(obj, "route", 1)) {
                return route(a, family, stats);
            } else if (matches(obj, "neighbor", 1) || matches(obj, "neighbour", 1)) {
                return neigh(a, family);
            } else if (obj.equals("sr")) {
                return sr(a);
            }
        } catch (DataplaneException e) {
            throw fail(e.getMessage());
        }
        throw fail("unknown object '" + obj + "'; expected link, addr, route, neigh, sr");
    }

    /** iproute2's matches(): the typed word is a prefix of the keyword, at least min chars. */
    static boolean matches(String typed, String keyword, int min) {
        return typed.length() >= min && keyword.startsWith(typed);
    }

    private static boolean isShow(String v) {
        return matches(v, "show", 1) || matches(v, "list", 1) || v.equals("ls") || v.equals("lst");
    }

    private static IllegalArgumentException fail(String msg) {
        return new IllegalArgumentException(msg);
    }

    private static String next(List<String> a, String what) {
        if (a.isEmpty()) {
            throw fail("missing " + what);
        }
        return a.remove(0);
    }

    private <T> T need(T service, String name) {
        if (service == null) {
            throw fail(name + " is not available; expected the srv6-core bundle to be active");
        }
        return service;
    }

    private static int number(String s, String what) {
        try {
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            throw fail("invalid " + what + " '" + s + "'; expected a number");
        }
    }

    // ---------------------------------------------------------------- link

    private String link(List<String> a, boolean stats) throws DataplaneException {
        PortService ps = need(services.portService(), "port service");
        String verb = a.isEmpty() ? "show" : a.remove(0);
        if (isShow(verb)) {
            String name = null;
            if (!a.isEmpty()) {
                if (a.get(0).equals("dev")) {
                    a.remove(0);
                }
                name = next(a, "port name after dev");
            }
            StringBuilder sb = new StringBuilder();
            for (PortInfo p : ps.list()) {
                if (name != null && !p.name().equals(name)) {
                    continue;
                }
                sb.append(p.index()).append(": ").append(p.name()).append(": <BROADCAST,MULTICAST")
                        .append(p.up() ? ",UP,LOWER_UP" : "").append("> mtu ").append(p.mtu())
                        .append(" state ").append(p.up() ? "UP" : "DOWN").append('\n')
                        .append("    link/ether ").append(p.mac()).append(" brd ff:ff:ff:ff:ff:ff\n");
                if (stats) {
                    PortCounters c = ps.counters(p.name());
                    sb.append("    RX:  bytes packets errors dropped\n")
                            .append(String.format("    %10d %7d %6d %7d%n", c.rxBytes(), c.rxPackets(), 0, c.rxDropped()))
                            .append("    TX:  bytes packets errors dropped\n")
                            .append(String.format("    %10d %7d %6d %7d%n", c.txBytes(), c.txPackets(), 0, c.txDropped()));
                }
            }
            if (name != null && sb.length() == 0) {
                throw fail("Device \"" + name + "\" does not exist.");
            }
            return sb.toString();
        }
        if (verb.equals("add")) {
            String name = next(a, "port name; expected ip link add NAME type tap [queues N]");
            int queues = 1;
            String type = null;
            String in = null;
            String out = null;
            while (!a.isEmpty()) {
                String k = a.remove(0);
                switch (k) {
                    case "type" -> type = next(a, "link type; expected tap or pcap");
                    case "queues", "numrxqueues", "numtxqueues" -> queues = number(next(a, "queue count"), "queue count");
                    case "in" -> in = next(a, "pcap file after in");
                    case "out" -> out = next(a, "pcap file after out");
                    default -> throw fail("unknown link option '" + k
                            + "'; expected type tap [queues N] or type pcap [in FILE] [out FILE]");
                }
            }
            if ("pcap".equals(type)) {
                if (in == null && out == null) {
                    throw fail("a pcap port needs in FILE, out FILE or both");
                }
                ps.addPcap(name, in == null ? null : java.nio.file.Path.of(in), out == null ? null : java.nio.file.Path.of(out));
                return "";
            }
            if (!"tap".equals(type)) {
                throw fail("unsupported link type '" + type + "'; expected type tap or type pcap");
            }
            if (in != null || out != null) {
                throw fail("in/out FILE belong to type pcap; a tap port takes [queues N]");
            }
            ps.addTap(name, queues);
            return "";
        }
        if (matches(verb, "delete", 1)) {
            if (!a.isEmpty() && a.get(0).equals("dev")) {
                a.remove(0);
            }
            ps.delete(next(a, "port name; expected ip link del NAME"));
            return "";
        }
        if (verb.equals("set")) {
            if (!a.isEmpty() && a.get(0).equals("dev")) {
                a.remove(0);
            }
            String name = next(a, "port name; expected ip link set NAME up|down|mtu N|address MAC");
            if (a.isEmpty()) {
                throw fail("nothing to set on " + name + "; expected up, down, mtu N or address MAC");
            }
            while (!a.isEmpty()) {
                String k = a.remove(0);
                switch (k) {
                    case "up" -> ps.setUp(name, true);
                    case "down" -> ps.setUp(name, false);
                    case "mtu" -> ps.setMtu(name, number(next(a, "MTU after mtu"), "MTU"));
                    case "address", "addr", "lladdr" -> ps.setMac(name, next(a, "MAC after address"));
                    default -> throw fail("unknown link setting '" + k + "'; expected up, down, mtu N or address MAC");
                }
            }
            return "";
        }
        throw fail("unknown link command '" + verb + "'; expected add, del, set, show");
    }

    // ---------------------------------------------------------------- addr

    private String addr(List<String> a, int family) throws DataplaneException {
        AddressService as = need(services.addresses(), "address service");
        String verb = a.isEmpty() ? "show" : a.remove(0);
        if (isShow(verb)) {
            String dev = null;
            if (!a.isEmpty()) {
                if (a.get(0).equals("dev")) {
                    a.remove(0);
                }
                dev = next(a, "port after dev");
            }
            StringBuilder sb = new StringBuilder();
            List<PortInfo> ports = services.portService() == null ? List.of() : services.portService().list();
            for (PortInfo p : ports) {
                if (dev != null && !dev.equals(p.name())) {
                    continue;
                }
                sb.append(p.index()).append(": ").append(p.name()).append(": <BROADCAST,MULTICAST")
                        .append(p.up() ? ",UP,LOWER_UP" : "").append("> mtu ").append(p.mtu())
                        .append(" state ").append(p.up() ? "UP" : "DOWN").append('\n')
                        .append("    link/ether ").append(p.mac()).append(" brd ff:ff:ff:ff:ff:ff\n");
                // like iproute2: IPv4 first, then IPv6; scope link for fe80::/10, the port name after IPv4
                for (int f : new int[] {4, 6}) {
                    for (AddressInfo ai : as.list()) {
                        if (ai.family() != f || !ai.port().equals(p.name()) || (family != 0 && family != f)) {
                            continue;
                        }
                        boolean link = f == 6 && ai.text().toLowerCase(java.util.Locale.ROOT).startsWith("fe8");
                        sb.append(f == 6 ? "    inet6 " : "    inet ").append(ai.text())
                                .append(link ? " scope link" : " scope global")
                                .append(f == 4 ? " " + p.name() : "").append('\n');
                    }
                }
            }
            return sb.toString();
        }
        boolean add = verb.equals("add") || verb.equals("replace");
        if (!add && !matches(verb, "delete", 1)) {
            throw fail("unknown addr command '" + verb + "'; expected add, del, show");
        }
        String cidr = next(a, "address; expected ip addr " + verb + " A/LEN dev PORT");
        if (cidr.equals("local")) {
            cidr = next(a, "address after local");
        }
        checkPrefix(cidr, family);
        String dev = null;
        while (!a.isEmpty()) {
            String k = a.remove(0);
            if (k.equals("dev")) {
                dev = next(a, "port after dev");
            } else {
                throw fail("unknown addr option '" + k + "'; expected dev PORT");
            }
        }
        if (dev == null) {
            throw fail("missing dev; expected ip addr " + verb + " A/LEN dev PORT");
        }
        if (add) {
            as.add(dev, cidr);
        } else {
            as.delete(dev, cidr);
        }
        return "";
    }

    /** Validates an address or prefix and returns its family (4 or 6). */
    static int checkPrefix(String p, int family) {
        String addr = p;
        int slash = p.indexOf('/');
        int fam = p.indexOf(':') >= 0 ? 6 : 4;
        if (slash >= 0) {
            addr = p.substring(0, slash);
            int len;
            try {
                len = Integer.parseInt(p.substring(slash + 1));
            } catch (NumberFormatException e) {
                len = -1;
            }
            if (len < 0 || len > (fam == 6 ? 128 : 32)) {
                throw fail("invalid prefix '" + p + "'; expected ADDRESS/LEN with LEN 0-" + (fam == 6 ? 128 : 32));
            }
        }
        boolean ok = fam == 6 ? addr.matches("[0-9a-fA-F:.]+") && addr.contains(":")
                : addr.matches("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");
        if (ok && fam == 4) {
            for (String part : addr.split("\\.")) {
                ok &= Integer.parseInt(part) < 256;
            }
        }
        if (!ok) {
            throw fail("invalid address '" + p + "'; expected an IPv4 or IPv6 address[/LEN]");
        }
        if (family != 0 && family != fam) {
            throw fail("address '" + p + "' is IPv" + fam + "; expected an IPv" + family + " address");
        }
        return fam;
    }

    // ---------------------------------------------------------------- route

    private static int table(String t) {
        return switch (t) {
            case "main" -> 254;
            case "local" -> 255;
            case "default" -> 253;
            default -> number(t, "table");
        };
    }

    private String route(List<String> a, int family, boolean stats) throws DataplaneException {
        RouteService rs = need(services.routes(), "route service");
        String verb = a.isEmpty() ? "show" : a.get(0);
        if (isShow(verb) || a.isEmpty() || verb.equals("table")) {
            if (!a.isEmpty() && isShow(verb)) {
                a.remove(0);
            }
            int table = 254;
            while (!a.isEmpty()) {
                String k = a.remove(0);
                if (k.equals("table")) {
                    String t = next(a, "table after table; expected a number, main, local or all");
                    table = t.equals("all") ? RouteService.ALL_TABLES : table(t);
                } else {
                    throw fail("unknown route show option '" + k + "'; expected table T|all");
                }
            }
            StringBuilder sb = new StringBuilder();
            for (int f : family == 0 ? new int[] {4, 6} : new int[] {family}) {
                if (family == 0 && f == 6) {
                    break; // iproute2 shows IPv4 by default
                }
                for (RouteInfo ri : rs.list(f, table)) {
                    String text = ri.text();
                    if (stats && RouteSpec.SEG6LOCAL.equals(ri.spec().encap())) {
                        // where iproute2 puts the seg6local counters: after the action's attributes
                        String counters = " packets " + ri.packets() + " bytes " + ri.bytes() + " errors " + ri.errors();
                        int dev = text.indexOf(" dev ");
                        text = dev < 0 ? text + counters : text.substring(0, dev) + counters + text.substring(dev);
                    }
                    sb.append(text).append('\n');
                }
            }
            return sb.toString();
        }
        a.remove(0);
        boolean add = matches(verb, "add", 1);
        boolean replace = matches(verb, "replace", 3) || verb.equals("change");
        boolean del = matches(verb, "delete", 1);
        if (!add && !replace && !del) {
            throw fail("unknown route command '" + verb + "'; expected add, del, replace, show");
        }
        RouteSpec spec = parseRoute(a, family);
        if (add) {
            rs.add(spec);
        } else if (replace) {
            rs.replace(spec);
        } else {
            rs.delete(spec);
        }
        return "";
    }

    /** Parses PREFIX [via NH] [dev P] [table T] [metric M] [encap ...] like iproute2's iproute_modify. */
    static RouteSpec parseRoute(List<String> a, int family) {
        String prefix = null;
        String via = null;
        String dev = null;
        int table = 254;
        int metric = 0;
        String encap = null;
        String keyword = null;
        List<String> params = new ArrayList<>();
        while (!a.isEmpty()) {
            String k = a.remove(0);
            switch (k) {
                case "via" -> {
                    via = next(a, "next hop after via");
                    if (via.equals("inet6") || via.equals("inet")) {
                        via = next(a, "next hop after via");
                    }
                    checkPrefix(via, 0);
                }
                case "dev", "oif" -> dev = next(a, "port after dev");
                case "table" -> table = table(next(a, "table after table"));
                case "metric", "preference", "priority" -> metric = number(next(a, "metric"), "metric");
                case "proto", "scope", "src", "mtu", "pref", "expires" -> next(a, "value after " + k);
                case "onlink" -> { }
                case "encap" -> {
                    encap = next(a, "encap type; expected seg6 or seg6local");
                    if (encap.equals(RouteSpec.SEG6LOCAL)) {
                        if (!"action".equals(a.isEmpty() ? null : a.remove(0))) {
                            throw fail("missing action; expected encap seg6local action ACTION PARAMS");
                        }
                        keyword = next(a, "behavior after action");
                    } else if (encap.equals(RouteSpec.SEG6)) {
                        if (!"mode".equals(a.isEmpty() ? null : a.remove(0))) {
                            throw fail("missing mode; expected encap seg6 mode encap|encap.red|inline|l2encap|l2encap.red");
                        }
                        keyword = next(a, "mode after mode");
                    } else {
                        throw fail("unknown encap type '" + encap + "'; expected seg6 or seg6local");
                    }
                    // The encap's options run until a route keyword; table/oif/iif belong to the behavior.
                    while (!a.isEmpty() && !ROUTE_KEYWORDS.contains(a.get(0))) {
                        params.add(a.remove(0));
                    }
                }
                default -> {
                    if (prefix != null) {
                        throw fail("unexpected '" + k + "'; expected via, dev, table, metric or encap");
                    }
                    prefix = k.equals("default") ? null : k;
                    if (prefix == null) {
                        prefix = family == 4 ? "0.0.0.0/0" : "::/0";
                    }
                }
            }
        }
        if (prefix == null) {
            throw fail("missing prefix; expected ip route add PREFIX [via NH] [dev PORT] [encap ...]");
        }
        int fam = checkPrefix(prefix, family);
        if (!prefix.contains("/")) {
            prefix = prefix + (fam == 6 ? "/128" : "/32");
        }
        if (encap == null && via == null && dev == null) {
            // a deletion needs only the prefix; add/replace are checked by the route service
        }
        return new RouteSpec(fam, prefix, via, dev, table, metric, encap, keyword, params);
    }

    // ---------------------------------------------------------------- neigh

    private String neigh(List<String> a, int family) throws DataplaneException {
        NeighborService ns = need(services.neighbors(), "neighbor service");
        String verb = a.isEmpty() ? "show" : a.remove(0);
        String dev = null;
        if (isShow(verb)) {
            while (!a.isEmpty()) {
                String k = a.remove(0);
                if (k.equals("dev")) {
                    dev = next(a, "port after dev");
                } else {
                    throw fail("unknown neigh show option '" + k + "'; expected dev PORT");
                }
            }
            StringBuilder sb = new StringBuilder();
            for (int f : family == 0 ? new int[] {4, 6} : new int[] {family}) {
                for (NeighborInfo n : ns.list(f)) {
                    if (dev == null || dev.equals(n.port())) {
                        sb.append(n.address()).append(" dev ").append(n.port());
                        if (n.lladdr() != null) {
                            sb.append(" lladdr ").append(n.lladdr());
                        }
                        sb.append(' ').append(n.state()).append('\n');
                    }
                }
            }
            return sb.toString();
        }
        if (matches(verb, "flush", 1)) {
            while (!a.isEmpty()) {
                String k = a.remove(0);
                if (k.equals("dev")) {
                    dev = next(a, "port after dev");
                } else {
                    throw fail("unknown neigh flush option '" + k + "'; expected dev PORT");
                }
            }
            ns.flush(dev);
            return "";
        }
        boolean add = verb.equals("add") || verb.equals("replace") || verb.equals("change");
        if (!add && !matches(verb, "delete", 1)) {
            throw fail("unknown neigh command '" + verb + "'; expected add, del, flush, show");
        }
        String addr = next(a, "address; expected ip neigh " + verb + " A lladdr MAC dev PORT");
        checkPrefix(addr, family);
        String mac = null;
        while (!a.isEmpty()) {
            String k = a.remove(0);
            switch (k) {
                case "dev" -> dev = next(a, "port after dev");
                case "lladdr" -> mac = next(a, "MAC after lladdr");
                case "nud" -> next(a, "state after nud");
                case "permanent", "noarp", "reachable", "stale" -> { }
                default -> throw fail("unknown neigh option '" + k + "'; expected lladdr MAC dev PORT");
            }
        }
        if (dev == null) {
            throw fail("missing dev; expected ip neigh " + verb + " A lladdr MAC dev PORT");
        }
        if (add) {
            if (mac == null) {
                throw fail("missing lladdr; expected ip neigh add A lladdr MAC dev PORT");
            }
            ns.add(addr, mac, dev);
        } else {
            ns.delete(addr, dev);
        }
        return "";
    }

    // ---------------------------------------------------------------- sr

    private String sr(List<String> a) throws DataplaneException {
        SrService sr = need(services.sr(), "SR service");
        String what = next(a, "sr object; expected tunsrc, hmac, steer");
        String verb = a.isEmpty() ? "show" : a.remove(0);
        switch (what) {
            case "tunsrc" -> {
                if (isShow(verb)) {
                    String t = sr.tunnelSource();
                    return "tunsrc addr " + (t == null ? "::" : t) + "\n";
                }
                if (!verb.equals("set")) {
                    throw fail("unknown tunsrc command '" + verb + "'; expected set ADDRESS or show");
                }
                String addr = next(a, "address; expected ip sr tunsrc set ADDRESS");
                checkPrefix(addr, 6);
                sr.setTunnelSource(addr);
                return "";
            }
            case "hmac" -> {
                if (isShow(verb)) {
                    StringBuilder sb = new StringBuilder();
                    for (Map.Entry<Integer, String> e : sr.hmacKeys().entrySet()) {
                        sb.append("hmac ").append(e.getKey()).append(' ').append(e.getValue()).append('\n');
                    }
                    return sb.toString();
                }
                if (verb.equals("set")) {
                    int key = number(next(a, "key id; expected ip sr hmac set KEYID sha1|sha256 SECRET"), "key id");
                    String alg = next(a, "algorithm; expected sha1 or sha256");
                    if (!alg.equals("sha1") && !alg.equals("sha256")) {
                        throw fail("unknown HMAC algorithm '" + alg + "'; expected sha1 or sha256");
                    }
                    sr.setHmacKey(key, alg, next(a, "secret; expected ip sr hmac set KEYID " + alg + " SECRET"));
                    return "";
                }
                if (verb.equals("policy")) {
                    String port = next(a, "port; expected ip sr hmac policy PORT -1|0|1");
                    String p = next(a, "policy; expected -1, 0 or 1");
                    if (!p.equals("-1") && !p.equals("0") && !p.equals("1")) {
                        throw fail("invalid HMAC policy '" + p + "'; expected -1, 0 or 1");
                    }
                    sr.setHmacPolicy(port, Integer.parseInt(p));
                    return "";
                }
                throw fail("unknown hmac command '" + verb + "'; expected set, show, policy");
            }
            case "steer" -> {
                if (isShow(verb)) {
                    StringBuilder sb = new StringBuilder();
                    for (String s : sr.steers()) {
                        sb.append(s).append('\n');
                    }
                    return sb.toString();
                }
                if (!"iif".equals(a.isEmpty() ? null : a.remove(0))) {
                    throw fail("missing iif; expected ip sr steer " + verb + " iif PORT ...");
                }
                String port = next(a, "port after iif");
                if (matches(verb, "delete", 1)) {
                    sr.deleteSteer(port);
                    return "";
                }
                if (!verb.equals("add")) {
                    throw fail("unknown steer command '" + verb + "'; expected add, del, show");
                }
                if (!"mode".equals(a.isEmpty() ? null : a.remove(0))) {
                    throw fail("missing mode; expected ip sr steer add iif PORT mode MODE [tunsrc A] segs S1,..");
                }
                String mode = next(a, "mode after mode");
                sr.addSteer(port, mode, List.copyOf(a));
                return "";
            }
            default -> throw fail("unknown sr object '" + what + "'; expected tunsrc, hmac, steer");
        }
    }

    /** Splits a configuration line into words. */
    static List<String> words(String line) {
        String t = line.trim();
        return t.isEmpty() ? List.of() : Arrays.asList(t.split("\\s+"));
    }
}
