package org.srv6.appliance.itests.kernel;

/**
 * H1 - R - H2 with a kernel router namespace R: veth h1-r (fc00:12::/64, 10.12.0.0/24) and r-h2
 * (fc00:23::/64, 10.23.0.0/24), IPv6 and IPv4 forwarding and seg6 enabled, DAD and reverse-path
 * filtering off, static neighbors so that no NDP or ARP is needed. Addresses: H1 ::1/.1, R ::2/.2
 * on both links, H2 ::3/.3. The same
 * {@code ip} lines the appliance gets are applied to R with {@link #router(String)}.
 */
public final class KernelTopology implements AutoCloseable {

    public final Netns h1;
    public final Netns r;
    public final Netns h2;
    public final byte[] h1Mac;
    public final byte[] rH1Mac;
    public final byte[] rH2Mac;
    public final byte[] h2Mac;

    public KernelTopology(String prefix) {
        h1 = Netns.create(prefix, "h1");
        r = Netns.create(prefix, "r");
        h2 = Netns.create(prefix, "h2");
        try {
            for (Netns ns : new Netns[] {h1, r, h2}) {
                ns.sh("sysctl -qw net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0"
                        + " net.ipv6.conf.all.forwarding=1 net.ipv6.conf.all.seg6_enabled=1"
                        + " net.ipv6.conf.default.seg6_enabled=1 net.ipv6.conf.default.router_solicitations=0"
                        + " net.ipv6.conf.all.router_solicitations=0 net.ipv4.ip_forward=1"
                        + " net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0");
            }
            r.sh("ip link add r1 type veth peer name e0 netns " + h1.name()
                    + " && ip link add r2 type veth peer name e0 netns " + h2.name());
            r.sh("ip link set r1 up && ip link set r2 up && ip -6 addr add fc00:12::2/64 dev r1 nodad"
                    + " && ip -6 addr add fc00:23::2/64 dev r2 nodad"
                    + " && ip addr add 10.12.0.2/24 dev r1 && ip addr add 10.23.0.2/24 dev r2"
                    + " && sysctl -qw net.ipv6.conf.r1.seg6_enabled=1 net.ipv6.conf.r2.seg6_enabled=1");
            h1.sh("ip link set e0 up && ip -6 addr add fc00:12::1/64 dev e0 nodad && ip addr add 10.12.0.1/24 dev e0");
            h2.sh("ip link set e0 up && ip -6 addr add fc00:23::3/64 dev e0 nodad && ip addr add 10.23.0.3/24 dev e0");
            h1Mac = h1.mac("e0");
            h2Mac = h2.mac("e0");
            rH1Mac = r.mac("r1");
            rH2Mac = r.mac("r2");
            r.sh("ip -6 neigh replace fc00:12::1 lladdr " + hex(h1Mac) + " dev r1 nud permanent"
                    + " && ip -6 neigh replace fc00:23::3 lladdr " + hex(h2Mac) + " dev r2 nud permanent"
                    + " && ip neigh replace 10.12.0.1 lladdr " + hex(h1Mac) + " dev r1 nud permanent"
                    + " && ip neigh replace 10.23.0.3 lladdr " + hex(h2Mac) + " dev r2 nud permanent");
            h1.sh("ip -6 neigh replace fc00:12::2 lladdr " + hex(rH1Mac) + " dev e0 nud permanent");
            h2.sh("ip -6 neigh replace fc00:23::2 lladdr " + hex(rH2Mac) + " dev e0 nud permanent");
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /** Applies one {@code ip ...} line (iproute2 dialect, as given to the appliance) to R. */
    public void router(String ipLine) {
        r.sh(ipLine);
    }

    static String hex(byte[] mac) {
        StringBuilder sb = new StringBuilder();
        for (byte b : mac) {
            sb.append(sb.length() == 0 ? "" : ":").append(String.format("%02x", b & 0xff));
        }
        return sb.toString();
    }

    @Override
    public void close() {
        for (Netns ns : new Netns[] {h1, r, h2}) {
            if (ns != null) {
                ns.close();
            }
        }
    }
}
