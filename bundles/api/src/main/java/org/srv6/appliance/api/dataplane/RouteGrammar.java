package org.srv6.appliance.api.dataplane;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The iproute2 route line, both ways: {@link #parse} turns the words after {@code ip route add}
 * into a {@link RouteSpec}, {@link #print} turns a route into the line {@code ip route show}
 * prints. Every word {@code print} writes is accepted by {@code parse} (kept, or ignored as
 * iproute2 ignores it for our routes), so a shown line pasted after {@code ip route add} makes
 * the same route. Table ids are named here too ({@link #tableId}, {@link #tableName}).
 *
 * <pre>
 * [unicast] [to] PREFIX|default [via [inet6|inet] NH] [encap seg6local action ACTION PARAMS
 *     | encap seg6 mode MODE PARAMS] [dev PORT] [table T] [metric M] [proto P] [scope S]
 *     [src A] [mtu N] [pref P] [expires T] [onlink]
 *     [nexthop [via NH] [dev PORT] [weight W] ...]
 * </pre>
 * A multipath route names its paths last, each after {@code nexthop} (weight 1..256, default 1),
 * as iproute2 takes them; it is a plain unicast route (no encap, no via or dev of its own).
 */
public final class RouteGrammar {
    /** Compiled once: a configuration of a million lines goes through these. */
    private static final Pattern SPACES = Pattern.compile("\\s+");
    private static final Pattern V4 = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");
    /** The main table, where a route without {@code table} goes. */
    public static final int MAIN = 254;
    /** The local table, where the routes of local addresses go. */
    public static final int LOCAL = 255;
    /** The most paths a multipath route has (the kernel's limit is higher; this bounds a typo). */
    public static final int MAX_PATHS = 64;

    /** Words that end an encap's parameters, as in iproute2's route parser; table/oif/iif belong to the behavior. */
    private static final Set<String> ROUTE_KEYWORDS =
            Set.of("dev", "via", "metric", "proto", "scope", "src", "mtu", "onlink", "pref", "expires");

    /**
     * The same for a seg6local encap: {@code src} is the proxies' parameter (End.AS {@code src A},
     * SPEC §2), not the route's preferred source, which an endpoint route has no use for.
     */
    private static final Set<String> SEG6LOCAL_END =
            Set.of("dev", "via", "metric", "proto", "scope", "mtu", "onlink", "pref", "expires");

    /** Route types iproute2 prints before the prefix; only unicast routes are added by {@code ip route add}. */
    private static final Set<String> OTHER_TYPES = Set.of("local", "broadcast", "multicast", "anycast", "throw",
            "unreachable", "prohibit", "blackhole", "nat");

    private RouteGrammar() {
    }

    /**
     * What {@code show} prints beside the route as configured; a null word is not printed.
     *
     * @param type  the route type before the prefix ({@code local}) or null for unicast
     * @param table whether a table other than main is printed: with {@code table all}, as
     *              iproute2 (not when one table is listed)
     * @param proto the protocol ({@code kernel} for the routes addresses make) or null
     * @param scope the scope ({@code link}) or null
     * @param src   the preferred source address or null
     */
    public record Shown(String type, boolean table, String proto, String scope, String src) {
        /** A configured route as the running configuration writes it: its table when not main, nothing else. */
        public static final Shown CONFIGURED = new Shown(null, true, null, null, null);
    }

    /** Splits a line into words as a shell would for these commands (no quoting). */
    public static List<String> words(String line) {
        String t = line.trim();
        return t.isEmpty() ? List.of() : Arrays.asList(SPACES.split(t));
    }

    /** {@link #parse(List, int)} of a line's words. */
    public static RouteSpec parse(String line, int family) {
        return parse(words(line), family);
    }

    /**
     * Parses the words after {@code ip route add|replace|del} like iproute2's iproute_modify.
     *
     * @param tokens the words; not modified
     * @param family 4 or 6 as given by {@code -4}/{@code -6}, or 0 to take it from the prefix
     * @return the route; the prefix carries its length ({@code /128} or {@code /32} when not typed),
     *         metric 0 and table {@link #MAIN} when not given
     * @throws IllegalArgumentException one line: what is wrong and what is expected
     */
    public static RouteSpec parse(List<String> tokens, int family) {
        List<String> a = new ArrayList<>(tokens);
        String prefix = null;
        String via = null;
        String dev = null;
        int table = MAIN;
        int metric = 0;
        String encap = null;
        String keyword = null;
        List<String> params = new ArrayList<>();
        List<RouteSpec.Nexthop> nexthops = List.of();
        while (!a.isEmpty()) {
            String k = a.remove(0);
            switch (k) {
                case "nexthop" -> {
                    if (encap != null) {
                        throw fail("nexthop with encap " + encap + "; a multipath route is a plain unicast route"
                                + " (encap takes one next hop)");
                    }
                    if (via != null || dev != null) {
                        throw fail("via or dev before nexthop; give each path as nexthop via NH dev PORT [weight W]");
                    }
                    a.add(0, k);
                    nexthops = nexthops(a);
                }
                case "via" -> via = via(a);
                case "dev", "oif" -> dev = next(a, "port after dev");
                case "table" -> table = table(next(a, "table after table"));
                case "metric", "preference", "priority" -> metric = number(next(a, "metric"), "metric");
                case "proto", "protocol", "scope", "src", "mtu", "pref", "expires" -> next(a, "value after " + k);
                case "onlink" -> { }
                case "encap" -> {
                    encap = next(a, "encap type; expected seg6 or seg6local");
                    keyword = encapKeyword(a, encap);
                    Set<String> end = encap.equals(RouteSpec.SEG6LOCAL) ? SEG6LOCAL_END : ROUTE_KEYWORDS;
                    while (!a.isEmpty() && !end.contains(a.get(0))) {
                        params.add(a.remove(0));
                    }
                }
                default -> {
                    if (prefix != null) {
                        throw fail("unexpected '" + k + "'; expected via, dev, table, metric or encap");
                    }
                    if (k.equals("unicast") || k.equals("to")) {
                        continue; // iproute2's default type and its optional word before the prefix
                    }
                    if (OTHER_TYPES.contains(k)) {
                        throw fail("route type '" + k + "' cannot be added here; expected a unicast route"
                                + (k.equals("local") ? " (local routes come from ip addr add)" : ""));
                    }
                    prefix = k.equals("default") ? (family == 4 ? "0.0.0.0/0" : "::/0") : k;
                }
            }
        }
        if (prefix == null) {
            throw fail("missing prefix; expected ip route add PREFIX [via NH] [dev PORT] [encap ...]");
        }
        int fam = family(prefix, family);
        if (!prefix.contains("/")) {
            prefix = prefix + (fam == 6 ? "/128" : "/32");
        }
        for (RouteSpec.Nexthop nh : nexthops) {
            if (nh.via() != null) {
                family(nh.via(), fam);
            }
        }
        if (nexthops.size() == 1) {
            // one path is a plain route, as the kernel makes it
            return new RouteSpec(fam, prefix, nexthops.get(0).via(), nexthops.get(0).dev(), table, metric, null, null,
                    params);
        }
        return new RouteSpec(fam, prefix, via, dev, table, metric, encap, keyword, params, null, nexthops);
    }

    /** The address after {@code via} (iproute2's optional {@code inet}/{@code inet6} before it), checked to be one. */
    private static String via(List<String> a) {
        String via = next(a, "next hop after via");
        if (via.equals("inet6") || via.equals("inet")) {
            via = next(a, "next hop after via");
        }
        family(via, 0);
        return via;
    }

    /** The paths of a multipath route: every remaining word, each path after {@code nexthop} (iproute2's parse_nexthops). */
    private static List<RouteSpec.Nexthop> nexthops(List<String> a) {
        List<RouteSpec.Nexthop> out = new ArrayList<>();
        while (!a.isEmpty()) {
            String k = a.remove(0);
            if (!k.equals("nexthop")) {
                throw fail("unexpected '" + k + "' after the paths; route options go before the first nexthop");
            }
            String via = null;
            String dev = null;
            int weight = 1;
            while (!a.isEmpty() && !a.get(0).equals("nexthop")) {
                String w = a.remove(0);
                switch (w) {
                    case "via" -> via = via(a);
                    case "dev", "oif" -> dev = next(a, "port after dev");
                    case "weight" -> {
                        String v = next(a, "weight after weight");
                        weight = -1;
                        try {
                            weight = Integer.parseInt(v);
                        } catch (NumberFormatException e) {
                            // told below
                        }
                        if (weight < 1 || weight > 256) {
                            throw fail("invalid weight '" + v + "'; expected a number from 1 to 256");
                        }
                    }
                    case "onlink" -> { }
                    case "encap" -> throw fail("encap in a nexthop is not supported; a multipath route is a plain"
                            + " unicast route (use one route per encap)");
                    default -> throw fail("unexpected '" + w + "' in a nexthop; expected via NH, dev PORT or weight W");
                }
            }
            if (via == null && dev == null) {
                throw fail("nexthop without via or dev; expected nexthop via NH [dev PORT] [weight W]");
            }
            out.add(new RouteSpec.Nexthop(via, dev, weight));
        }
        if (out.size() > MAX_PATHS) {
            throw fail(out.size() + " nexthops; at most " + MAX_PATHS + " paths in a route");
        }
        return out;
    }

    private static String encapKeyword(List<String> a, String encap) {
        if (encap.equals(RouteSpec.SEG6LOCAL)) {
            if (!"action".equals(a.isEmpty() ? null : a.remove(0))) {
                throw fail("missing action; expected encap seg6local action ACTION PARAMS");
            }
            return next(a, "behavior after action");
        }
        if (encap.equals(RouteSpec.SEG6)) {
            if (!"mode".equals(a.isEmpty() ? null : a.remove(0))) {
                throw fail("missing mode; expected encap seg6 mode encap|encap.red|inline|l2encap|l2encap.red");
            }
            return next(a, "mode after mode");
        }
        throw fail("unknown encap type '" + encap + "'; expected seg6 or seg6local");
    }

    /**
     * The line {@code ip route show} prints for a route, pasteable after {@code ip route add}:
     * {@code [TYPE ]PREFIX [via NH] [encap ...] [dev PORT] [table T] [proto P] [scope S] [src A] [metric M]}.
     * The metric is printed for IPv6 always (Linux gives every IPv6 route one) and for IPv4 when not 0.
     *
     * @param spec  the route with the texts to print: the canonical prefix ({@code default} allowed),
     *              the port name, the effective metric, the behavior's canonical parameters
     * @param shown what show adds: {@link Shown#CONFIGURED} for a route as configured
     */
    public static String print(RouteSpec spec, Shown shown) {
        return print(spec, shown, " nexthop ", "");
    }

    /**
     * What {@code ip route show} prints: {@link #print(RouteSpec, Shown)}, but a multipath route's
     * paths each on a line of their own as iproute2 prints the kernel's
     * ({@code \tnexthop via NH dev PORT weight W }, trailing space included). Pasted after
     * {@code ip route add} it makes the same route.
     */
    public static String show(RouteSpec spec, Shown shown) {
        return print(spec, shown, "\n\tnexthop ", " ");
    }

    private static String print(RouteSpec spec, Shown shown, String before, String after) {
        StringBuilder sb = new StringBuilder();
        if (shown.type() != null) {
            sb.append(shown.type()).append(' ');
        }
        sb.append(spec.prefix());
        if (spec.via() != null) {
            sb.append(" via ").append(spec.via());
        }
        if (spec.encap() != null) {
            sb.append(spec.encap().equals(RouteSpec.SEG6LOCAL) ? " encap seg6local action " : " encap seg6 mode ")
                    .append(spec.keyword());
            for (String p : spec.params()) {
                if (!p.isEmpty()) {
                    sb.append(' ').append(p);
                }
            }
        }
        if (spec.dev() != null) {
            sb.append(" dev ").append(spec.dev());
        }
        if (shown.table() && spec.table() != MAIN) {
            sb.append(" table ").append(tableName(spec.table()));
        }
        word(sb, "proto", shown.proto());
        word(sb, "scope", shown.scope());
        word(sb, "src", shown.src());
        if (spec.family() == 6 || spec.metric() != 0) {
            sb.append(" metric ").append(spec.metric());
        }
        for (RouteSpec.Nexthop nh : spec.nexthops()) {
            sb.append(before);
            if (nh.via() != null) {
                sb.append("via ").append(nh.via());
            }
            if (nh.dev() != null) {
                sb.append(nh.via() != null ? " " : "").append("dev ").append(nh.dev());
            }
            sb.append(" weight ").append(nh.weight()).append(after);
        }
        return sb.toString();
    }

    /** {@link #print(RouteSpec, Shown)} of a configured route: the running configuration's form. */
    public static String print(RouteSpec spec) {
        return print(spec, Shown.CONFIGURED);
    }

    private static void word(StringBuilder sb, String key, String value) {
        if (value != null) {
            sb.append(' ').append(key).append(' ').append(value);
        }
    }

    /**
     * Table names as iproute2 knows them: {@code main} 254, {@code local} 255, {@code default} 253,
     * or a number from 1 to 4294967295 (kept as the int with the same 32 bits).
     *
     * @return the table id, or -1 when {@code v} names no table
     */
    public static int tableId(String v) {
        return switch (v) {
            case "main" -> MAIN;
            case "local" -> LOCAL;
            case "default" -> 253;
            default -> {
                try {
                    long n = Long.parseLong(v);
                    yield n >= 1 && n <= 0xffffffffL ? (int) n : -1;
                } catch (NumberFormatException e) {
                    yield -1;
                }
            }
        };
    }

    /** The table as {@code show} prints it: {@code main}, {@code local} or the number. */
    public static String tableName(int table) {
        return switch (table) {
            case MAIN -> "main";
            case LOCAL -> "local";
            default -> Integer.toUnsignedString(table);
        };
    }

    /** True when {@code s} is one or more of {@code [0-9a-fA-F:.]}. */
    private static boolean v6Chars(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F' || c == ':' || c == '.')) {
                return false;
            }
        }
        return !s.isEmpty();
    }

    /**
     * Checks an address or prefix ({@code A} or {@code A/LEN}).
     *
     * @param family 4 or 6 when the command fixed it, else 0
     * @return its family, 4 or 6
     * @throws IllegalArgumentException one line naming what is expected
     */
    public static int family(String p, int family) {
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
        boolean ok = fam == 6 ? v6Chars(addr) && addr.contains(":")
                : V4.matcher(addr).matches();
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

    private static int table(String t) {
        int id = tableId(t);
        if (id == -1) {
            throw fail("invalid table '" + t + "'; expected a number from 1 to 4294967295, main or local");
        }
        return id;
    }

    private static int number(String s, String what) {
        try {
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            throw fail("invalid " + what + " '" + s + "'; expected a number");
        }
    }

    private static String next(List<String> a, String what) {
        if (a.isEmpty()) {
            throw fail("missing " + what);
        }
        return a.remove(0);
    }

    private static IllegalArgumentException fail(String msg) {
        return new IllegalArgumentException(msg);
    }
}
