package org.srv6.appliance.shell.internal;

import static org.srv6.appliance.shell.internal.Args.fail;
import static org.srv6.appliance.shell.internal.Args.isShow;
import static org.srv6.appliance.shell.internal.Args.matches;
import static org.srv6.appliance.shell.internal.Args.next;

import java.util.List;

import org.srv6.appliance.api.dataplane.DataplaneException;
import org.srv6.appliance.api.dataplane.NeighborInfo;
import org.srv6.appliance.api.dataplane.NeighborService;
import org.srv6.appliance.api.dataplane.RouteGrammar;

/** {@code ip neigh}: static neighbors added and deleted, the neighbor table shown and flushed. */
final class IpNeigh {
    private IpNeigh() {
    }

    static String execute(NeighborService ns, List<String> a, int family) throws DataplaneException {
        String verb = a.isEmpty() ? "show" : a.remove(0);
        if (isShow(verb)) {
            return show(ns, devOption(a, "show"), family);
        }
        if (matches(verb, "flush", 1)) {
            ns.flush(devOption(a, "flush"));
            return "";
        }
        boolean add = verb.equals("add") || verb.equals("replace") || verb.equals("change");
        if (!add && !matches(verb, "delete", 1)) {
            throw fail("unknown neigh command '" + verb + "'; expected add, del, flush, show");
        }
        String addr = next(a, "address; expected ip neigh " + verb + " A lladdr MAC dev PORT");
        RouteGrammar.family(addr, family);
        String dev = null;
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

    /** The only option of show and flush: {@code dev PORT}; null when not given. */
    private static String devOption(List<String> a, String verb) {
        String dev = null;
        while (!a.isEmpty()) {
            String k = a.remove(0);
            if (!k.equals("dev")) {
                throw fail("unknown neigh " + verb + " option '" + k + "'; expected dev PORT");
            }
            dev = next(a, "port after dev");
        }
        return dev;
    }

    private static String show(NeighborService ns, String dev, int family) {
        StringBuilder sb = new StringBuilder();
        for (int f : family == 0 ? new int[] {4, 6} : new int[] {family}) {
            for (NeighborInfo n : ns.list(f)) {
                if (dev == null || dev.equals(n.port())) {
                    sb.append(n.address()).append(" dev ").append(n.port());
                    if (n.lladdr() != null) {
                        sb.append(" lladdr ").append(n.lladdr());
                    }
                    sb.append(' ').append(n.state());
                    if (n.proto() != null) {
                        sb.append(" proto ").append(n.proto()); // iproute2 prints NDA_PROTOCOL so
                    }
                    sb.append('\n');
                }
            }
        }
        return sb.toString();
    }
}
