package org.srv6.appliance.shell.internal;

import static org.srv6.appliance.shell.internal.Args.fail;
import static org.srv6.appliance.shell.internal.Args.matches;

import java.util.ArrayList;
import java.util.List;

import org.srv6.appliance.api.dataplane.AddressService;
import org.srv6.appliance.api.dataplane.DataplaneException;
import org.srv6.appliance.api.dataplane.MirrorService;
import org.srv6.appliance.api.dataplane.NeighborService;
import org.srv6.appliance.api.dataplane.PortService;
import org.srv6.appliance.api.dataplane.RouteGrammar;
import org.srv6.appliance.api.dataplane.RouteService;
import org.srv6.appliance.api.dataplane.SrService;

/**
 * The {@code ip} command in the iproute2 dialect: reads the options, hands the rest of the line
 * to the object's class ({@link IpLink}, {@link IpAddr}, {@link IpRoute}, {@link IpNeigh},
 * {@link IpSr}) and returns the text iproute2 would print. Objects and verbs accept the same
 * abbreviations as iproute2 (any prefix of the word, checked in iproute2's order).
 */
final class Ip {

    /** Where the dataplane services come from; any may be null while the core is absent. */
    interface Services {
        PortService portService();
        AddressService addresses();
        RouteService routes();
        NeighborService neighbors();
        SrService sr();

        /** The mirrors of {@code srv6:lcp} lines, or null. */
        default MirrorService mirrors() {
            return null;
        }

        /** The namespace of {@code srv6:lcp add} without {@code netns}. */
        default String lcpNetns() {
            return Lcp.defaultNetns(System.getProperty("srv6.lcp.netns"));
        }
    }

    private final Services services;
    private static final java.util.Set<String> OPTIONS = java.util.Set.of("-4", "-6", "-s", "-stats", "-statistics", "-d", "-details");

    Ip(Services services) {
        this.services = services;
    }

    /**
     * The {@code ip} command: runs one line; {@code ip help} and {@code ip OBJECT help} return the
     * usage. A line with wrong words throws a {@link ShellError} that ends with the object's usage
     * line ({@code ...; usage: ip route ...}); an answer about the state (no such device) without it.
     */
    String command(List<String> args) {
        String object = "";
        try {
            List<String> a = new ArrayList<>(args);
            if (!a.isEmpty() && a.get(0).equals("ip")) {
                a.remove(0);
            }
            int k = 0;
            while (k < a.size() && OPTIONS.contains(a.get(k))) {
                k++;
            }
            if (k < a.size() && !a.get(k).startsWith("-")) {
                String typed = a.get(k);
                object = typed.equals("help") ? "" : object(typed);
                if (typed.equals("help") || (object != null && k + 1 < a.size() && a.get(k + 1).equals("help"))) {
                    SrService sr = services.sr();
                    return Usage.of(object, sr == null ? null : sr.behaviors());
                }
            }
            return execute(args);
        } catch (ShellError e) {
            if (!e.wrongWords()) {
                throw e;
            }
            throw new ShellError(e.getMessage() + "; usage: " + Usage.line(object == null ? "" : object));
        } catch (IllegalArgumentException e) {
            // the route grammar and the behaviors' parsers reject words with one line too
            throw new ShellError(e.getMessage() + "; usage: " + Usage.line(object == null ? "" : object));
        }
    }

    /** The object {@code typed} abbreviates, as iproute2 matches it; null when none. */
    static String object(String typed) {
        if (matches(typed, "link", 1)) {
            return "link";
        } else if (matches(typed, "address", 1)) {
            return "address";
        } else if (matches(typed, "route", 1)) {
            return "route";
        } else if (matches(typed, "neighbor", 1) || matches(typed, "neighbour", 1)) {
            return "neighbor";
        } else if (typed.equals("sr")) {
            return "sr";
        }
        return null;
    }

    /** Runs one line; a rejected line throws IllegalArgumentException with a one-line message. */
    String execute(List<String> args) {
        List<String> a = new ArrayList<>(args);
        if (!a.isEmpty() && a.get(0).equals("ip")) {
            a.remove(0);
        }
        int family = 0;
        boolean stats = false;
        boolean details = false;
        while (!a.isEmpty() && a.get(0).startsWith("-")) {
            String o = a.remove(0);
            switch (o) {
                case "-4" -> family = 4;
                case "-6" -> family = 6;
                case "-s", "-stats", "-statistics" -> stats = true;
                case "-d", "-details" -> details = true;
                default -> throw fail("unknown option '" + o + "'; expected -4, -6, -s or -d");
            }
        }
        if (a.isEmpty()) {
            throw fail("missing object; expected link, addr, route, neigh, sr");
        }
        String obj = a.remove(0);
        String object = object(obj);
        if (object == null) {
            throw fail("unknown object '" + obj + "'; expected link, addr, route, neigh, sr");
        }
        try {
            return switch (object) {
                case "link" -> IpLink.execute(need(services.portService(), "port service"), a, stats, details);
                case "address" -> IpAddr.execute(need(services.addresses(), "address service"), services.portService(), a, family);
                case "route" -> IpRoute.execute(need(services.routes(), "route service"), a, family, stats);
                case "neighbor" -> IpNeigh.execute(need(services.neighbors(), "neighbor service"), a, family);
                default -> IpSr.execute(need(services.sr(), "SR service"), a, stats);
            };
        } catch (DataplaneException e) {
            throw Args.answer(e.getMessage());
        }
    }

    /**
     * Runs one configuration line (blank lines and {@code #} comments do nothing).
     *
     * @return null when applied, else the one-line reason it was rejected
     */
    String run(String line) {
        List<String> w = words(line);
        if (w.isEmpty() || w.get(0).startsWith("#")) {
            return null;
        }
        try {
            if (w.get(0).equals("srv6:lcp")) {
                // the running configuration's mirrors, after the ports they name
                Lcp.execute(services.mirrors(), w.subList(1, w.size()), services.lcpNetns());
                return null;
            }
            execute(w);
            return null;
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
    }

    private static <T> T need(T service, String name) {
        if (service == null) {
            throw Args.answer(name + " is not available; expected the srv6-core bundle to be active");
        }
        return service;
    }

    /** Splits a configuration line into words. */
    static List<String> words(String line) {
        return RouteGrammar.words(line);
    }
}
