package org.srv6.appliance.shell.internal;

import static org.srv6.appliance.shell.internal.Args.fail;
import static org.srv6.appliance.shell.internal.Args.isShow;
import static org.srv6.appliance.shell.internal.Args.matches;
import static org.srv6.appliance.shell.internal.Args.next;
import static org.srv6.appliance.shell.internal.Args.skipDev;

import java.util.List;
import java.util.Locale;

import org.srv6.appliance.api.dataplane.AddressInfo;
import org.srv6.appliance.api.dataplane.AddressService;
import org.srv6.appliance.api.dataplane.DataplaneException;
import org.srv6.appliance.api.dataplane.PortInfo;
import org.srv6.appliance.api.dataplane.PortService;
import org.srv6.appliance.api.dataplane.RouteGrammar;

/** {@code ip addr}: addresses of the ports added, deleted and shown under their link. */
final class IpAddr {
    private IpAddr() {
    }

    /** @param ps the port service for {@code show}, or null while it is absent */
    static String execute(AddressService as, PortService ps, List<String> a, int family) throws DataplaneException {
        String verb = a.isEmpty() ? "show" : a.remove(0);
        if (isShow(verb)) {
            return show(as, ps, a, family);
        }
        boolean add = verb.equals("add") || verb.equals("replace");
        if (!add && !matches(verb, "delete", 1)) {
            throw fail("unknown addr command '" + verb + "'; expected add, del, show");
        }
        String cidr = next(a, "address; expected ip addr " + verb + " A/LEN dev PORT");
        if (cidr.equals("local")) {
            cidr = next(a, "address after local");
        }
        RouteGrammar.family(cidr, family);
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

    private static String show(AddressService as, PortService ps, List<String> a, int family) {
        String dev = null;
        if (!a.isEmpty()) {
            skipDev(a);
            dev = next(a, "port after dev");
        }
        StringBuilder sb = new StringBuilder();
        List<PortInfo> ports = ps == null ? List.of() : ps.list();
        for (PortInfo p : ports) {
            if (dev != null && !dev.equals(p.name())) {
                continue;
            }
            IpLink.header(sb, p);
            // like iproute2: IPv4 first, then IPv6; scope link for fe80::/10, the port name after IPv4
            for (int f : new int[] {4, 6}) {
                for (AddressInfo ai : as.list()) {
                    if (ai.family() != f || !ai.port().equals(p.name()) || (family != 0 && family != f)) {
                        continue;
                    }
                    boolean link = f == 6 && ai.text().toLowerCase(Locale.ROOT).startsWith("fe8");
                    sb.append(f == 6 ? "    inet6 " : "    inet ").append(ai.text())
                            .append(link ? " scope link" : " scope global")
                            .append(f == 4 ? " " + p.name() : "").append('\n');
                }
            }
        }
        return sb.toString();
    }
}
