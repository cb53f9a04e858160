package org.srv6.appliance.itests.kernel;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.After;
import org.junit.Assume;
import org.junit.Before;
import org.junit.Test;
import org.srv6.appliance.testkit.Packets;

/**
 * The Linux control plane's mirror interfaces with the distribution: the appliance (namespace R)
 * has a TAP port r1 into host namespace H; {@code srv6:lcp add r1 netns CP name eth1} mirrors it
 * into control namespace CP, which is given the same address as r1. The kernel in CP pings H
 * (resolving it by NDP through the mirror; the replies are punted back), sees an OSPFv3 hello H
 * sends to ff02::5, and a UDP datagram it sends leaves r1 with the bytes it sent; the counters of
 * {@code srv6:lcp show} are the mirror netdev's; the mirror survives a restart (saved) and
 * {@code srv6:lcp del} removes its netdev.
 */
public class ApplianceLcpIT {
    private static final String HOST = "fc00:1::1";
    private static final String ADDR = "fc00:1::2";

    private Netns r;
    private Netns h;
    private Netns cp;
    private Appliance app;

    @Before
    public void setUp() throws IOException {
        Assume.assumeTrue("needs root for network namespaces", Netns.isRoot());
        r = Netns.create("lc", "r");
        h = Netns.create("lc", "h");
        cp = Netns.create("lc", "c");
        app = Appliance.start(r);
    }

    @After
    public void tearDown() {
        if (app != null) {
            app.close();
        }
        for (Netns n : new Netns[] {cp, h, r}) {
            if (n != null) {
                n.close(); // the namespaces take the persistent netdevs with them
            }
        }
    }

    @Test
    public void controlNamespaceTalksThroughTheMirroredPort() throws Exception {
        app.ok("ip link add r1 type tap netns " + h.name());
        h.sh("sysctl -qw net.ipv6.conf.all.accept_dad=0 && ip -6 addr add " + HOST + "/64 dev r1 nodad");
        app.ok("ip -6 addr add " + ADDR + "/64 dev r1");

        Netns.Result bad = app.client("srv6:lcp add nope netns " + cp.name());
        assertTrue("refused: " + bad.stderr(), bad.exitCode() != 0 && bad.stderr().contains("Error: no such port nope"));
        assertEquals("nothing mirrored", 1, app.ok("srv6:lcp show").strip().lines().count());

        app.ok("srv6:lcp add r1 netns " + cp.name() + " name eth1");
        String link = cp.exec("ip", "-o", "link", "show", "eth1").check().stdout();
        String mac = macText(app.mac("r1"));
        assertTrue(link, link.contains("link/ether " + mac) && link.contains(",UP,") && link.contains(" mtu 1500 "));
        assertTrue(app.ok("srv6:config show").contains("srv6:lcp add r1 netns " + cp.name() + " name eth1"));
        cp.sh("sysctl -qw net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.eth1.accept_dad=0"
                + " && ip -6 addr add " + ADDR + "/64 dev eth1 nodad");

        // the namespace a mirror was made in is followed as a control namespace (not only srv6.lcp.netns)
        String followed = "";
        for (int i = 0; i < 50 && !followed.contains("netns " + cp.name() + ": following"); i++) {
            Thread.sleep(100);
            followed = app.ok("srv6:stats");
        }
        assertTrue(followed, followed.contains("netns " + cp.name() + ": following"));

        // the kernel in CP resolves H through the mirror, H answers, the replies are punted back
        Netns.Result ping = cp.exec("ping", "-6", "-c", "3", "-W", "2", HOST);
        assertEquals("ping from the control namespace: " + ping.stdout() + app.logTail(20), 0, ping.exitCode());
        assertTrue(ping.stdout(), ping.stdout().contains("3 received"));
        assertTrue("CP learnt H by NDP: " + cp.exec("ip", "-6", "neigh").stdout(),
                cp.exec("ip", "-6", "neigh", "show", HOST).check().stdout().contains(macText(h.mac("r1"))));

        // an OSPFv3 hello H sends to AllSPFRouters reaches CP as H sent it
        byte[] hello = Packets.ethernet(Packets.mac("33:33:00:00:00:05"), h.mac("r1"), Packets.ETH_IPV6,
                Packets.ipv6("fe80::1:2", "ff02::5").hopLimit(1).payload(89, Packets.fill(40, 0x89)).bytes());
        byte[] seen;
        try (Tcpdump d = Tcpdump.start(cp, "eth1", "ip6 proto 89"); RawSocket hs = RawSocket.open(h, "r1")) {
            hs.send(hello);
            seen = d.first(5000);
        }
        assertArrayEquals("the hello in CP: " + Packets.hex(seen), hello, seen);

        // what CP sends leaves r1 with the bytes CP sent
        byte[] sent;
        byte[] received;
        try (Tcpdump d = Tcpdump.start(cp, "eth1", "udp and dst port 9999"); RawSocket hs = RawSocket.open(h, "r1")) {
            cp.sh("python3 -c \"import socket; s=socket.socket(socket.AF_INET6, socket.SOCK_DGRAM);"
                    + " s.sendto(b'lcp-inject', ('" + HOST + "', 9999))\"");
            sent = d.first(5000);
            received = hs.receive(5000, f -> f.length >= 58 && Packets.ethertype(f) == Packets.ETH_IPV6
                    && (f[20] & 0xff) == 17 && Packets.u16(f, 56) == 9999);
        }
        assertNotNull("H received the datagram", received);
        assertArrayEquals("the datagram on r1 as CP sent it: " + Packets.hex(received), sent, received);
        assertEquals(Packets.hex(Packets.ip6(ADDR)), Packets.hex(Packets.slice(received, 22, 16)));

        long[] c = quiet();
        assertEquals("punted = frames the mirror netdev received", c[2], c[0]);
        assertEquals("injected = frames the mirror netdev sent", c[3], c[1]);
        assertTrue("punted the replies, the NAs and the hello: " + c[0], c[0] >= 5);
        assertTrue("injected the NS, the echo requests and the datagram: " + c[1], c[1] >= 5);

        // a restart brings the mirror back from the saved configuration; CP keeps its netdev and address
        assertEquals(0, app.srv6("stop").exitCode());
        assertTrue(cp.exec("ip", "-6", "addr", "show", "dev", "eth1").check().stdout().contains(ADDR + "/64"));
        app.boot();
        String status = app.ok("srv6:config status");
        assertTrue(status, status.contains(" 0 rejected"));
        String show = app.ok("srv6:lcp show");
        assertTrue(show, show.matches("(?s).*\\nr1 +" + cp.name() + " +eth1 +\\d+ +\\d+ +0\\s*"));
        // the netdev's counters went on while the appliance was stopped; from here they move together
        long[] before = quiet();
        Netns.Result again = cp.exec("ping", "-6", "-c", "2", "-W", "2", HOST);
        assertEquals("ping after the restart: " + again.stdout() + app.logTail(20), 0, again.exitCode());
        long[] after = quiet();
        assertEquals("punted since: " + java.util.Arrays.toString(before) + " -> " + java.util.Arrays.toString(after),
                after[2] - before[2], after[0] - before[0]);
        assertEquals("injected since", after[3] - before[3], after[1] - before[1]);
        assertTrue("the two replies punted", after[0] - before[0] >= 2);
        assertTrue("the two requests injected", after[1] - before[1] >= 2);

        // del takes the netdev away and the line out of the configuration
        app.ok("srv6:lcp del r1");
        assertTrue("eth1 gone from CP", cp.exec("ip", "link", "show", "eth1").exitCode() != 0);
        assertTrue(!app.ok("srv6:config show").contains("srv6:lcp"));
        assertEquals(1, app.ok("srv6:lcp show").strip().lines().count());
    }

    private static String macText(byte[] m) {
        StringBuilder sb = new StringBuilder();
        for (byte b : m) {
            sb.append(sb.length() == 0 ? "" : ":").append(String.format("%02x", b & 0xff));
        }
        return sb.toString();
    }

    /**
     * {@code srv6:lcp show}'s punted and injected, and the frames the mirror netdev in CP received
     * and sent, read while nothing moves (the same twice in a row). @return {punted, injected, rx, tx}
     */
    private long[] quiet() throws InterruptedException {
        String last = "";
        for (int i = 0; i < 100; i++) {
            long[] a = shown();
            long rx = stat("rx_packets");
            long tx = stat("tx_packets");
            long[] b = shown();
            if (a[0] == b[0] && a[1] == b[1] && rx == stat("rx_packets") && tx == stat("tx_packets")) {
                return new long[] {a[0], a[1], rx, tx};
            }
            last = "show " + a[0] + "/" + a[1] + " then " + b[0] + "/" + b[1] + ", eth1 rx " + rx + " tx " + tx;
            Thread.sleep(100);
        }
        throw new AssertionError("the counters never stood still: " + last);
    }

    private long[] shown() {
        for (String l : app.ok("srv6:lcp show").lines().toList()) {
            String[] w = l.trim().split("\\s+");
            if (w.length == 6 && w[0].equals("r1")) {
                return new long[] {Long.parseLong(w[3]), Long.parseLong(w[4])};
            }
        }
        throw new AssertionError("r1 not in srv6:lcp show");
    }

    private long stat(String name) {
        return Long.parseLong(cp.exec("cat", "/sys/class/net/eth1/statistics/" + name).check().stdout().strip());
    }

    /** tcpdump writing what an interface of a namespace sees (both directions) to a pcap file. */
    static final class Tcpdump implements AutoCloseable {
        private final Process p;
        private final Path file;

        private Tcpdump(Process p, Path file) {
            this.p = p;
            this.file = file;
        }

        static Tcpdump start(Netns ns, String dev, String filter) throws IOException, InterruptedException {
            Path file = Files.createTempFile("lc-", ".pcap");
            Process p = new ProcessBuilder("ip", "netns", "exec", ns.name(), "tcpdump", "-i", dev, "-U", "-n", "-c", "1",
                    "-w", file.toString(), filter).start();
            CountDownLatch listening = new CountDownLatch(1);
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            Thread t = new Thread(() -> {
                try (InputStream in = p.getErrorStream()) {
                    int ch;
                    while ((ch = in.read()) >= 0) {
                        err.write(ch);
                        if (err.toString(StandardCharsets.UTF_8).contains("listening on")) {
                            listening.countDown();
                        }
                    }
                } catch (IOException ignored) {
                    // ended
                }
            });
            t.setDaemon(true);
            t.start();
            if (!listening.await(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("tcpdump did not start: " + err.toString(StandardCharsets.UTF_8));
            }
            return new Tcpdump(p, file);
        }

        /** The first packet captured, waiting up to {@code millis} for it. */
        byte[] first(long millis) throws IOException, InterruptedException {
            if (!p.waitFor(millis, TimeUnit.MILLISECONDS)) {
                throw new AssertionError("tcpdump captured nothing within " + millis + " ms");
            }
            byte[] pcap = Files.readAllBytes(file);
            assertTrue("a pcap record", pcap.length >= 40);
            int len = (pcap[32] & 0xff) | (pcap[33] & 0xff) << 8 | (pcap[34] & 0xff) << 16 | (pcap[35] & 0xff) << 24;
            byte[] out = new byte[len];
            System.arraycopy(pcap, 40, out, 0, len);
            return out;
        }

        @Override
        public void close() throws IOException {
            p.destroyForcibly(); // only the tcpdump this started
            Files.deleteIfExists(file);
        }
    }
}
