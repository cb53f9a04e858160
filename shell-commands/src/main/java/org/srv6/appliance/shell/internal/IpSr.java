package org.srv6.appliance.shell.internal;

import static org.srv6.appliance.shell.internal.Args.fail;
import static org.srv6.appliance.shell.internal.Args.isShow;
import static org.srv6.appliance.shell.internal.Args.matches;
import static org.srv6.appliance.shell.internal.Args.next;

import java.util.List;
import java.util.Map;

import org.srv6.appliance.api.dataplane.DataplaneException;
import org.srv6.appliance.api.dataplane.RouteGrammar;
import org.srv6.appliance.api.dataplane.SrService;
import org.srv6.appliance.api.dataplane.SteerInfo;

/** {@code ip sr}: the tunnel source, HMAC keys and per-port policy, and port steering. */
final class IpSr {
    private IpSr() {
    }

    static String execute(SrService sr, List<String> a) throws DataplaneException {
        return execute(sr, a, false);
    }

    /** {@code stats}: {@code ip -s sr steer show} adds each steered port's counters. */
    static String execute(SrService sr, List<String> a, boolean stats) throws DataplaneException {
        String what = next(a, "sr object; expected tunsrc, hmac, steer");
        String verb = a.isEmpty() ? "show" : a.remove(0);
        return switch (what) {
            case "tunsrc" -> tunsrc(sr, verb, a);
            case "hmac" -> hmac(sr, verb, a);
            case "steer" -> steer(sr, verb, a, stats);
            default -> throw fail("unknown sr object '" + what + "'; expected tunsrc, hmac, steer");
        };
    }

    private static String tunsrc(SrService sr, String verb, List<String> a) throws DataplaneException {
        if (isShow(verb)) {
            String t = sr.tunnelSource();
            return "tunsrc addr " + (t == null ? "::" : t) + "\n";
        }
        if (!verb.equals("set")) {
            throw fail("unknown tunsrc command '" + verb + "'; expected set ADDRESS or show");
        }
        String addr = next(a, "address; expected ip sr tunsrc set ADDRESS");
        RouteGrammar.family(addr, 6);
        sr.setTunnelSource(addr);
        return "";
    }

    private static String hmac(SrService sr, String verb, List<String> a) throws DataplaneException {
        if (isShow(verb)) {
            // iproute2's layout without the secret (it is in the running configuration, mode 0600)
            StringBuilder sb = new StringBuilder();
            List<Map.Entry<Integer, String>> keys = new java.util.ArrayList<>(sr.hmacKeys().entrySet());
            keys.sort((x, y) -> Integer.compareUnsigned(x.getKey(), y.getKey()));
            for (Map.Entry<Integer, String> e : keys) {
                sb.append("hmac ").append(Integer.toUnsignedString(e.getKey())).append(" algo ").append(e.getValue())
                        .append('\n');
            }
            return sb.toString();
        }
        if (verb.equals("set")) {
            int key = keyId(next(a, "key id; expected ip sr hmac set KEYID sha1|sha256 SECRET"));
            String alg = next(a, "algorithm; expected sha1 or sha256");
            if (!alg.equals("sha1") && !alg.equals("sha256")) {
                throw fail("unknown HMAC algorithm '" + alg + "'; expected sha1 or sha256");
            }
            String secret = next(a, "secret; expected ip sr hmac set KEYID " + alg + " SECRET");
            if (!a.isEmpty()) {
                throw fail("unexpected '" + a.get(0) + "' after the secret; expected one word as the secret");
            }
            sr.setHmacKey(key, alg, secret.equals("\"\"") ? "" : secret);
            return "";
        }
        if (matches(verb, "delete", 1)) {
            int key = keyId(next(a, "key id; expected ip sr hmac del KEYID"));
            sr.setHmacKey(key, "", "");
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
        throw fail("unknown hmac command '" + verb + "'; expected set, del, show, policy");
    }

    /** A key id as iproute2 takes it: 1 to 4294967295, kept in an int as its unsigned value. */
    private static int keyId(String s) {
        try {
            long v = Long.parseLong(s);
            if (v >= 1 && v <= 0xffffffffL) {
                return (int) v;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw fail("invalid key id '" + s + "'; expected a number from 1 to 4294967295");
    }

    private static String steer(SrService sr, String verb, List<String> a, boolean stats) throws DataplaneException {
        if (isShow(verb)) {
            StringBuilder sb = new StringBuilder();
            if (stats) {
                for (SteerInfo s : sr.steering()) {
                    sb.append(s.line()).append('\n').append("    packets ").append(s.packets()).append(" bytes ")
                            .append(s.bytes()).append(" errors ").append(s.drops())
                            .append(s.active() ? "" : " (inactive: mode not installed)").append('\n');
                }
                return sb.toString();
            }
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
            throw fail("missing mode; expected ip sr steer add iif PORT mode encap|encap.red|l2encap|l2encap.red"
                    + " [tunsrc A] segs S1,...,Sn [hmac KEYID]");
        }
        String mode = next(a, "mode after mode");
        sr.addSteer(port, mode, List.copyOf(a));
        return "";
    }
}
