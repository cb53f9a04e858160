package org.srv6.appliance.api.behavior;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import org.srv6.appliance.api.dataplane.RouteGrammar;
import org.srv6.appliance.api.packet.InetAddrs;

/**
 * Parses the attributes shared by behaviors (like the kernel's seg6_local attribute table):
 * every token sequence is checked against the descriptor's required, optional and
 * alternative attributes, and every error is one line naming what is expected.
 */
public final class AttributeParser {
    /** Most segments a pushed SRH may carry here (Hdr Ext Len is one octet: 2*n ≤ 255). */
    public static final int MAX_SEGMENTS = 127;

    private AttributeParser() {
    }

    /**
     * @param d      the behavior's descriptor
     * @param tokens the tokens after the keyword
     * @return the attributes, all required ones present
     * @throws BehaviorException one line: what is wrong and what is expected
     */
    public static Attributes parse(BehaviorDescriptor d, List<String> tokens) throws BehaviorException {
        Attributes.Builder b = Attributes.builder();
        String kw = d.keyword();
        int i = 0;
        while (i < tokens.size()) {
            String t = tokens.get(i);
            Attribute a = attributeOf(t, tokens, i);
            if (a == null) {
                throw new BehaviorException(kw + ": unexpected '" + t + "'; expected " + d.syntax());
            }
            if (!d.accepts(a)) {
                throw new BehaviorException(kw + " does not take " + a.keyword() + "; expected " + d.syntax());
            }
            if (b.has(a)) {
                throw new BehaviorException(kw + ": " + a.keyword() + " given twice");
            }
            i += a == Attribute.SRH_SEGS ? 2 : 1;
            if (a == Attribute.COUNT) {
                b.count();
                continue;
            }
            if (i >= tokens.size()) {
                throw new BehaviorException(kw + ": " + a.keyword() + " needs " + a.argument());
            }
            String v = tokens.get(i++);
            switch (a) {
                case MODE -> b.mode(v);
                case NH6 -> b.nh6(addr6(kw, a, v));
                case NH4 -> b.nh4(addr4(kw, a, v));
                case SRC -> b.src(addr6(kw, a, v));
                case TUNSRC -> b.tunsrc(addr6(kw, a, v));
                case TABLE -> b.table(table(kw, a, v));
                case VRFTABLE -> b.vrftable(table(kw, a, v));
                case OIF -> b.oif(port(kw, a, v));
                case IIF -> b.iif(port(kw, a, v));
                case SEGS -> b.segs(segments(kw, a, v));
                case SRH_SEGS -> b.srhSegs(segments(kw, a, v));
                case HMAC -> b.hmac(number(kw, a, v, 1, 0xffffffffL));
                case FLAVORS -> b.flavors(flavors(d, v));
                case LBLEN -> b.lblen(number(kw, a, v, 0, 128));
                case NFLEN -> b.nflen(number(kw, a, v, 0, 128));
                case MPLS -> b.mpls(labels(kw, v));
                default -> throw new IllegalStateException(a.name());
            }
        }
        for (Attribute r : d.required()) {
            boolean tableAlias = r == Attribute.TABLE && b.has(Attribute.VRFTABLE);
            if (!b.has(r) && !tableAlias) {
                throw new BehaviorException(kw + " needs " + r.syntax());
            }
        }
        for (Set<Attribute> g : d.alternatives()) {
            List<Attribute> got = new ArrayList<>();
            StringBuilder names = new StringBuilder();
            for (Attribute x : Attribute.values()) {
                if (g.contains(x)) {
                    names.append(names.length() == 0 ? "" : " or ").append(x.syntax());
                    if (b.has(x)) {
                        got.add(x);
                    }
                }
            }
            if (got.size() != 1) {
                throw new BehaviorException(kw + " needs exactly one of " + names);
            }
        }
        if ((b.has(Attribute.LBLEN) || b.has(Attribute.NFLEN))) {
            Attributes partial = b.build();
            if (!partial.hasFlavor(Flavor.NEXT_CSID)) {
                throw new BehaviorException(kw + ": lblen and nflen need flavors next-csid");
            }
        }
        return b.build();
    }

    private static Attribute attributeOf(String t, List<String> tokens, int i) {
        if (t.equals("srh")) {
            return i + 1 < tokens.size() && tokens.get(i + 1).equals("segs") ? Attribute.SRH_SEGS : null;
        }
        for (Attribute a : Attribute.values()) {
            if (a != Attribute.SRH_SEGS && a.keyword().equals(t)) {
                return a;
            }
        }
        return null;
    }

    private static byte[] addr6(String kw, Attribute a, String v) throws BehaviorException {
        try {
            return InetAddrs.parse6(v);
        } catch (IllegalArgumentException e) {
            throw new BehaviorException(kw + ": " + a.keyword() + " needs an IPv6 address, got '" + v + "'");
        }
    }

    private static int addr4(String kw, Attribute a, String v) throws BehaviorException {
        try {
            return InetAddrs.parse4(v);
        } catch (IllegalArgumentException e) {
            throw new BehaviorException(kw + ": " + a.keyword() + " needs an IPv4 address, got '" + v + "'");
        }
    }

    /** Table names as iproute2 knows them; the same as {@link RouteGrammar#tableId}. */
    public static int tableId(String v) {
        return RouteGrammar.tableId(v);
    }

    private static int table(String kw, Attribute a, String v) throws BehaviorException {
        int t = tableId(v);
        if (t == -1) {
            throw new BehaviorException(kw + ": " + a.keyword() + " needs a table number or main|local, got '" + v + "'");
        }
        return t;
    }

    private static String port(String kw, Attribute a, String v) throws BehaviorException {
        if (v.isEmpty() || v.length() > 15 || v.indexOf('/') >= 0 || v.chars().anyMatch(Character::isWhitespace)) {
            throw new BehaviorException(kw + ": " + a.keyword() + " needs a port name, got '" + v + "'");
        }
        return v;
    }

    private static List<byte[]> segments(String kw, Attribute a, String v) throws BehaviorException {
        String[] p = v.split(",", -1);
        if (p.length > MAX_SEGMENTS) {
            throw new BehaviorException(kw + ": " + a.keyword() + " takes at most " + MAX_SEGMENTS + " segments");
        }
        List<byte[]> out = new ArrayList<>(p.length);
        for (String s : p) {
            try {
                out.add(InetAddrs.parse6(s));
            } catch (IllegalArgumentException e) {
                throw new BehaviorException(kw + ": " + a.keyword() + " needs IPv6 addresses separated by commas, got '" + s + "'");
            }
        }
        return out;
    }

    private static int number(String kw, Attribute a, String v, long min, long max) throws BehaviorException {
        try {
            long n = Long.parseLong(v);
            if (n >= min && n <= max) {
                return (int) n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new BehaviorException(kw + ": " + a.keyword() + " needs a number from " + min + " to " + max + ", got '" + v + "'");
    }

    private static Set<Flavor> flavors(BehaviorDescriptor d, String v) throws BehaviorException {
        EnumSet<Flavor> out = EnumSet.noneOf(Flavor.class);
        for (String s : v.split(",", -1)) {
            Flavor f = Flavor.of(s);
            if (f == null || !d.flavors().contains(f)) {
                StringBuilder ok = new StringBuilder();
                for (Flavor x : d.flavors()) {
                    ok.append(ok.length() == 0 ? "" : ",").append(x.keyword());
                }
                throw new BehaviorException(d.keyword() + ": flavor '" + s + "' not supported; supported: "
                        + (ok.length() == 0 ? "none" : ok));
            }
            out.add(f);
        }
        return out;
    }

    private static int[] labels(String kw, String v) throws BehaviorException {
        String[] p = v.split("/", -1);
        int[] out = new int[p.length];
        for (int i = 0; i < p.length; i++) {
            try {
                long n = Long.parseLong(p[i]);
                if (n < 0 || n > 0xfffff) {
                    throw new NumberFormatException();
                }
                out[i] = (int) n;
            } catch (NumberFormatException e) {
                throw new BehaviorException(kw + ": mpls needs labels 0-1048575 separated by '/', got '" + p[i] + "'");
            }
        }
        return out;
    }
}
