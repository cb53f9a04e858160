package org.srv6.appliance.api.dataplane;

import java.util.List;

/**
 * A route as typed: {@code PREFIX [via NH] [dev PORT] [table T] [metric M] [encap ...]}.
 *
 * @param family  4 or 6
 * @param prefix  {@code fc00::/64}, {@code 10.0.0.0/24} or {@code default}
 * @param via     next-hop text or null
 * @param dev     port name or null
 * @param table   table id (254 main when not given)
 * @param metric  metric (1024 for IPv6, 0 for IPv4 when not given, as Linux)
 * @param encap   {@code seg6local} or {@code seg6}, or null for a plain route
 * @param keyword the seg6local action or seg6 mode
 * @param params  the tokens after the keyword (behavior parameters)
 * @param proto   null for a route typed in the shell (or read from the configuration file); else
 *                the routing protocol of the control plane that owns it, as iproute2 names it
 *                ({@code static}, {@code ospf}, {@code kernel}, {@code boot}, or a number):
 *                {@code ip route show} prints it as {@code proto NAME} and the running
 *                configuration leaves the route out (the control plane puts it back)
 * @param nexthops the paths of a multipath (ECMP) route, two or more, {@code via} and {@code dev}
 *                null then; empty for a route with one next hop
 */
public record RouteSpec(int family, String prefix, String via, String dev, int table, int metric,
        String encap, String keyword, List<String> params, String proto, List<Nexthop> nexthops) {

    public static final String SEG6LOCAL = "seg6local";
    public static final String SEG6 = "seg6";

    public RouteSpec {
        params = params == null ? List.of() : List.copyOf(params);
        nexthops = nexthops == null ? List.of() : List.copyOf(nexthops);
    }

    /**
     * One path of a multipath route: {@code nexthop [via A] [dev P] [weight W]}.
     *
     * @param via    next-hop text or null
     * @param dev    port name or null
     * @param weight 1..256 as iproute2 takes it (1 when not given)
     */
    public record Nexthop(String via, String dev, int weight) {
    }

    /** A route with one next hop (or none). */
    public RouteSpec(int family, String prefix, String via, String dev, int table, int metric,
            String encap, String keyword, List<String> params, String proto) {
        this(family, prefix, via, dev, table, metric, encap, keyword, params, proto, null);
    }

    /** @return true for a multipath route (its {@link #nexthops}) */
    public boolean multipath() {
        return !nexthops.isEmpty();
    }

    /** A route typed in the shell: no {@code proto}. */
    public RouteSpec(int family, String prefix, String via, String dev, int table, int metric,
            String encap, String keyword, List<String> params) {
        this(family, prefix, via, dev, table, metric, encap, keyword, params, null);
    }

    /** @return this route as owned by the control plane protocol {@code proto} (null: typed in the shell) */
    public RouteSpec withProto(String proto) {
        return new RouteSpec(family, prefix, via, dev, table, metric, encap, keyword, params, proto, nexthops);
    }
}
