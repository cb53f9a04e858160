package org.srv6.appliance.itests.kernel;

import java.util.List;

/**
 * Two kernel hosts at the edges of an SRv6 path through a middle node (kernel router or
 * appliance) that runs End.X: H1 owns fc00:a1::1 and 10.1.0.1, H2 owns fc00:a2::1 and 10.2.0.1
 * (on lo). Each host encapsulates traffic for the other with kernel seg6 (segments: the middle
 * node's End.X SID for that direction, then the peer's decapsulation SID) and decapsulates with
 * {@code End.DT6 table 255} (IPv6: local addresses live in the local table) or
 * {@code End.DX4 nh4 OWN-ADDRESS} (IPv4). The middle node's SIDs: fc00:e::1 (towards H2,
 * End.X nh6 fc00:23::3) and fc00:e::2 (towards H1, End.X nh6 fc00:12::1).
 */
final class EndToEndHosts {

    /** Lines for the middle node (kernel router or appliance). */
    static final List<String> MIDDLE = List.of(
            "ip -6 route add fc00:e::1/128 encap seg6local action End.X nh6 fc00:23::3 dev r1",
            "ip -6 route add fc00:e::2/128 encap seg6local action End.X nh6 fc00:12::1 dev r2");

    private EndToEndHosts() {
    }

    /** Configures H1 (port {@code dev1}, middle node fc00:12::2) and H2 (port {@code dev2}, middle node fc00:23::2). */
    static void configure(Netns h1, String dev1, Netns h2, String dev2) {
        host(h1, dev1, "fc00:12::2", "1", "2");
        host(h2, dev2, "fc00:23::2", "2", "1");
    }

    private static void host(Netns h, String dev, String middle, String self, String peer) {
        String sid = self.equals("1") ? "fc00:e::1" : "fc00:e::2";
        h.sh("sysctl -qw net.ipv6.conf." + dev + ".seg6_enabled=1"
                + " && ip -6 addr add fc00:a" + self + "::1/128 dev lo && ip addr add 10." + self + ".0.1/32 dev lo"
                + " && ip -6 route add fc00:e::/64 via " + middle + " dev " + dev
                + " && ip -6 route add fc00:a" + peer + "::/64 encap seg6 mode encap segs " + sid + ",fc00:b" + peer
                + "::d6 dev " + dev
                + " && ip route add 10." + peer + ".0.0/24 encap seg6 mode encap segs " + sid + ",fc00:b" + peer
                + "::d4 dev " + dev
                + " && ip -6 route add fc00:b" + self + "::d6/128 encap seg6local action End.DT6 table 255 dev " + dev
                + " && ip -6 route add fc00:b" + self + "::d4/128 encap seg6local action End.DX4 nh4 10." + self
                + ".0.1 dev " + dev);
    }

    /** Runs {@code ping} (3 echoes) in {@code from}; returns the result for assertions. */
    static Netns.Result ping(Netns from, boolean ipv6, String src, String dst) {
        return ipv6
                ? from.exec("ping", "-6", "-c", "3", "-i", "0.2", "-W", "2", "-I", src, dst)
                : from.exec("ping", "-4", "-c", "3", "-i", "0.2", "-W", "2", "-I", src, dst);
    }

    /** Message for a failed ping. */
    static String explain(Netns.Result r) {
        return "exit " + r.exitCode() + ": " + r.stdout().trim() + " " + r.stderr().trim();
    }
}
