package org.srv6.appliance.shell.internal;

import java.util.List;

import org.srv6.appliance.api.dataplane.DataplaneException;
import org.srv6.appliance.api.dataplane.MirrorInfo;
import org.srv6.appliance.api.dataplane.MirrorService;

/**
 * {@code srv6:lcp}: the ports mirrored into a Linux control namespace. {@code add PORT [netns NS]
 * [name IFNAME]} (NS defaults to the property {@code srv6.lcp.netns}, else {@value #DEFAULT_NETNS};
 * IFNAME to the port's name), {@code del PORT}, {@code show} (one line per mirror with its
 * counters). The running configuration holds {@code srv6:lcp add} lines, replayed at boot.
 */
final class Lcp {
    static final String DEFAULT_NETNS = "srv6-cp";
    static final String USAGE = "srv6:lcp { add PORT [netns NS] [name IFNAME] | del PORT | show }";

    private Lcp() {
    }

    /** The namespace a mirror goes to when the command names none. */
    static String defaultNetns(String property) {
        return property == null || property.isBlank() ? DEFAULT_NETNS : property.strip();
    }

    /**
     * Runs {@code srv6:lcp} with its words (the command name taken off).
     *
     * @return what to print, or null
     * @throws ShellError with one line when the words are wrong or the core refuses
     */
    static String execute(MirrorService mirrors, List<String> a, String netnsDefault) {
        String verb = a.isEmpty() ? "show" : a.get(0);
        switch (verb) {
            case "add" -> {
                if (a.size() < 2) {
                    throw new ShellError("no port given");
                }
                String port = a.get(1);
                String netns = null;
                String name = null;
                for (int k = 2; k < a.size(); k += 2) {
                    String w = a.get(k);
                    if (k + 1 >= a.size()) {
                        throw new ShellError("missing value after '" + w + "'");
                    }
                    String v = a.get(k + 1);
                    if (w.equals("netns") && netns == null) {
                        netns = v;
                    } else if (w.equals("name") && name == null) {
                        name = v;
                    } else {
                        throw new ShellError("unexpected '" + w + "'; expected netns NS or name IFNAME, each once");
                    }
                }
                MirrorService m = need(mirrors);
                try {
                    m.add(port, netns == null ? netnsDefault : netns, name);
                } catch (DataplaneException e) {
                    throw new ShellError(e.getMessage(), false);
                }
                return null;
            }
            case "del", "delete" -> {
                if (a.size() != 2) {
                    throw new ShellError(a.size() < 2 ? "no port given" : "unexpected '" + a.get(2) + "'");
                }
                try {
                    need(mirrors).delete(a.get(1));
                } catch (DataplaneException e) {
                    throw new ShellError(e.getMessage(), false);
                }
                return null;
            }
            case "show", "list" -> {
                if (a.size() > 1) {
                    throw new ShellError("unexpected '" + a.get(1) + "'; srv6:lcp show takes no arguments");
                }
                return table(need(mirrors).list());
            }
            default -> throw new ShellError("unknown lcp command '" + verb + "'; expected add, del or show");
        }
    }

    /** One line per mirror under a header: port, namespace, interface, punted, injected, policed. */
    static String table(List<MirrorInfo> mirrors) {
        StringBuilder sb = new StringBuilder(String.format("%-15s %-20s %-15s %12s %12s %12s", "PORT", "NETNS",
                "IFNAME", "PUNTED", "INJECTED", "POLICED"));
        for (MirrorInfo i : mirrors) {
            sb.append('\n').append(String.format("%-15s %-20s %-15s %12d %12d %12d", i.port(), i.netns(), i.ifname(),
                    i.punted(), i.injected(), i.policed()));
        }
        return sb.toString();
    }

    private static MirrorService need(MirrorService m) {
        if (m == null) {
            throw new ShellError("mirror service not available; expected the srv6-core bundle to be active", false);
        }
        return m;
    }
}
