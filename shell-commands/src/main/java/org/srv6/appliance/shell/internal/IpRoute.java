package org.srv6.appliance.shell.internal;

import static org.srv6.appliance.shell.internal.Args.answer;
import static org.srv6.appliance.shell.internal.Args.fail;
import static org.srv6.appliance.shell.internal.Args.isShow;
import static org.srv6.appliance.shell.internal.Args.matches;
import static org.srv6.appliance.shell.internal.Args.next;

import java.util.List;

import org.srv6.appliance.api.dataplane.DataplaneException;
import org.srv6.appliance.api.dataplane.RouteGrammar;
import org.srv6.appliance.api.dataplane.RouteInfo;
import org.srv6.appliance.api.dataplane.RouteService;
import org.srv6.appliance.api.dataplane.RouteSpec;

/**
 * {@code ip route}: routes, SIDs and steering routes added, replaced, deleted and shown. The
 * route line itself is {@link RouteGrammar}'s; this class owns the verbs and the show options.
 */
final class IpRoute {
    private IpRoute() {
    }

    static String execute(RouteService rs, List<String> a, int family, boolean stats) throws DataplaneException {
        String verb = a.isEmpty() ? "show" : a.get(0);
        if (isShow(verb) || verb.equals("table")) {
            if (!a.isEmpty() && isShow(verb)) {
                a.remove(0);
            }
            return show(rs, a, family, stats);
        }
        a.remove(0);
        boolean add = matches(verb, "add", 1);
        boolean replace = matches(verb, "replace", 3) || verb.equals("change");
        boolean del = matches(verb, "delete", 1);
        if (!add && !replace && !del) {
            throw fail("unknown route command '" + verb + "'; expected add, del, replace, show");
        }
        RouteSpec spec = RouteGrammar.parse(a, family);
        if (add) {
            rs.add(spec);
        } else if (replace) {
            rs.replace(spec);
        } else {
            rs.delete(spec);
        }
        return "";
    }

    private static String show(RouteService rs, List<String> a, int family, boolean stats) {
        int table = RouteGrammar.MAIN;
        while (!a.isEmpty()) {
            String k = a.remove(0);
            if (!k.equals("table")) {
                throw fail("unknown route show option '" + k + "'; expected table T|all");
            }
            String t = next(a, "table after table; expected a number, main, local or all");
            table = t.equals("all") ? RouteService.ALL_TABLES : RouteGrammar.tableId(t);
            if (table == -1 && !t.equals("all")) {
                throw fail("invalid table '" + t + "'; expected a number, main, local or all");
            }
        }
        // iproute2 shows IPv4 when no family is given
        int fam = family == 0 ? 4 : family;
        if (table != RouteService.ALL_TABLES && !rs.hasTable(fam, table)) {
            // the kernel's answer for a table no route has named
            throw answer("ipv" + fam + ": FIB table " + RouteGrammar.tableName(table)
                    + " does not exist; a table exists once a route names it");
        }
        StringBuilder sb = new StringBuilder();
        for (RouteInfo ri : rs.list(fam, table)) {
            String text = ri.text();
            if (stats && RouteSpec.SEG6LOCAL.equals(ri.spec().encap())) {
                // where iproute2 puts the seg6local counters: after the action's attributes
                String counters = " " + (ri.proxy()
                        ? ShellCommands.directions(ri.packets(), ri.bytes(), ri.errors(), ri.fromPackets(),
                                ri.fromBytes(), ri.fromErrors())
                        : "packets " + ri.packets() + " bytes " + ri.bytes() + " errors " + ri.errors());
                int dev = text.indexOf(" dev ");
                text = dev < 0 ? text + counters : text.substring(0, dev) + counters + text.substring(dev);
            }
            sb.append(text).append('\n');
        }
        return sb.toString();
    }
}
