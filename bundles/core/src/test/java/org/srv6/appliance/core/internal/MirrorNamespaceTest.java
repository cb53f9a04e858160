package org.srv6.appliance.core.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.After;
import org.junit.Test;
import org.srv6.appliance.api.dataplane.MirrorInfo;
import org.srv6.appliance.testkit.Packets;

/**
 * A real mirror: {@code srv6:lcp add p0 netns NS name IF} makes the namespace (like
 * {@code ip netns add}) and a TAP there with p0's MAC and MTU, up; what its kernel sends leaves
 * through p0, what p0 punts arrives there; {@code del} takes the netdev away.
 */
public class MirrorNamespaceTest extends DataplaneTestSupport {
    private static final String NS = "lc" + (ProcessHandle.current().pid() % 100000) + "u";
    private static final String IF = "lcm0";

    @After
    public void deleteNamespace() throws Exception {
        run("ip", "netns", "del", NS);
    }

    @Test
    public void mirrorIsMadeInANewNamespaceWithThePortsMacAndMtuAndCarriesFramesBothWays() throws Exception {
        run("ip", "netns", "del", NS);
        assertFalse("namespace " + NS + " left from before", Files.exists(Path.of("/run/netns", NS)));
        dp.ports().setMtu("p0", 1400);
        MirrorInfo i = dp.mirrors().add("p0", NS, IF);
        // the kernel may already have sent on the new netdev (an MLD report, a router solicitation): not compared
        assertEquals(List.of("p0", NS, IF, 0L), List.of(i.port(), i.netns(), i.ifname(), i.punted()));
        assertTrue("ip netns list shows it: " + sh("ip", "netns", "list"), sh("ip", "netns", "list").contains(NS));
        String link = sh("ip", "netns", "exec", NS, "ip", "-o", "link", "show", IF);
        assertTrue(link, link.contains("link/ether " + P0_MAC));
        assertTrue(link, link.contains(" mtu 1400 "));
        assertTrue(link, link.contains("<BROADCAST,MULTICAST,UP,LOWER_UP>"));
        assertTrue("the kernel's link-local address derives from p0's MAC: " + sh("ip", "netns", "exec", NS, "ip", "-6", "addr"),
                awaitOutput(() -> sh("ip", "netns", "exec", NS, "ip", "-6", "addr", "show", "dev", IF), "fe80::ff:fe00:aa00/64"));

        // the kernel there resolves 2001:db8::2: its solicitation leaves through p0 as it sent it
        sh("ip", "netns", "exec", NS, "ip", "-6", "addr", "add", P0_ADDR + "/64", "dev", IF, "nodad");
        run("ip", "netns", "exec", NS, "ping", "-6", "-c", "1", "-W", "1", HOST0);
        byte[] ns = null;
        for (byte[] f = p0.poll(2000); f != null; f = p0.poll(500)) {
            if (f.length >= 78 && (f[20] & 0xff) == 58 && (f[54] & 0xff) == 135) {
                ns = f;
                break;
            }
        }
        assertTrue("a neighbor solicitation left p0", ns != null);
        assertEquals("from p0's MAC", Packets.hex(Packets.mac(P0_MAC)), Packets.hex(Packets.slice(ns, 6, 6)));
        assertEquals("for host0", Packets.hex(Packets.ip6(HOST0)), Packets.hex(Packets.slice(ns, 62, 16)));
        assertTrue(dp.mirrors().get("p0").injected() >= 1);

        // an OSPFv3 hello p0 receives arrives there
        long rx = Long.parseLong(sh("ip", "netns", "exec", NS, "cat", "/sys/class/net/" + IF + "/statistics/rx_packets").strip());
        long punted = dp.mirrors().get("p0").punted();
        p0.inject(Packets.ethernet("33:33:00:00:00:05", HOST0_MAC, Packets.ETH_IPV6,
                Packets.ipv6("fe80::2", "ff02::5").hopLimit(1).payload(89, Packets.fill(40, 5)).bytes()));
        await("punted", () -> dp.mirrors().get("p0").punted() == punted + 1, 2000);
        assertTrue("the netdev received it", awaitOutput(() -> sh("ip", "netns", "exec", NS, "cat",
                "/sys/class/net/" + IF + "/statistics/rx_packets").strip(), String.valueOf(rx + 1)));

        // the port's MAC and MTU changed: the mirror follows
        dp.ports().setMac("p0", "02:00:00:00:aa:10");
        dp.ports().setMtu("p0", 1300);
        link = sh("ip", "netns", "exec", NS, "ip", "-o", "link", "show", IF);
        assertTrue(link, link.contains("link/ether 02:00:00:00:aa:10") && link.contains(" mtu 1300 "));

        dp.mirrors().delete("p0");
        assertTrue(dp.mirrors().list().isEmpty());
        assertTrue("the netdev went: " + sh("ip", "netns", "exec", NS, "ip", "-o", "link"),
                awaitOutput(() -> String.valueOf(run("ip", "netns", "exec", NS, "ip", "link", "show", IF)), "1"));
    }

    @Test
    public void aMirrorThatCannotBeMadeLeavesNoNamespaceBehind() throws Exception {
        run("ip", "netns", "del", NS);
        try {
            dp.mirrors().add("p0", NS, "lo");
            throw new AssertionError("a mirror named lo accepted");
        } catch (org.srv6.appliance.api.dataplane.DataplaneException e) {
            assertTrue(e.getMessage(), e.getMessage().startsWith("cannot create the mirror lo in network namespace " + NS + ": "));
        }
        assertFalse("no namespace " + NS + " left", sh("ip", "netns", "list").contains(NS));
        assertTrue(dp.mirrors().list().isEmpty());
        assertTrue(dp.config().running().stream().noneMatch(l -> l.startsWith("srv6:lcp")));
    }

    interface Text {
        String get() throws Exception;
    }

    private static boolean awaitOutput(Text t, String expected) throws Exception {
        long end = System.nanoTime() + 3_000_000_000L;
        do {
            if (t.get().contains(expected)) {
                return true;
            }
            Thread.sleep(20);
        } while (System.nanoTime() < end);
        return false;
    }

    private static String sh(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertEquals(String.join(" ", cmd) + ": " + out, 0, p.waitFor());
        return out;
    }

    private static int run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        return p.waitFor();
    }
}
