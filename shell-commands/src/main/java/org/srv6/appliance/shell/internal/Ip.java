package org.srv6.appliance.shell.internal;

import static org.srv6.appliance.shell.internal.Args.fail;
import static org.srv6.appliance.shell.internal.Args.matches;

import java.util.ArrayList;
import java.util.List;

import org.srv6.appliance.api.dataplane.AddressService;
import org.srv6.appliance.api.dataplane.DataplaneException;
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
    }

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
                return IpLink.execute(need(services.portService(), "port service"), a, stats);
            } else if (matches(obj, "address", 1)) {
                return IpAddr.execute(need(services.addresses(), "address service"), services.portService(), a, family);
            } else if (matches(obj, "route", 1)) {
                return IpRoute.execute(need(services.routes(), "route service"), a, family, stats);
            } else if (matches(obj, "neighbor", 1) || matches(obj, "neighbour", 1)) {
                return IpNeigh.execute(need(services.neighbors(), "neighbor service"), a, family);
            } else if (obj.equals("sr")) {
                return IpSr.execute(need(services.sr(), "SR service"), a, stats);
            }
        } catch (DataplaneException e) {
            throw fail(e.getMessage());
        }
        throw fail("unknown object '" + obj + "'; expected link, addr, route, neigh, sr");
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
            execute(w);
            return null;
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
    }

    private static <T> T need(T service, String name) {
        if (service == null) {
            throw fail(name + " is not available; expected the srv6-core bundle to be active");
        }
        return service;
    }

    /** Splits a configuration line into words. */
    static List<String> words(String line) {
        return RouteGrammar.words(line);
    }
}
