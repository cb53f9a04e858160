package org.srv6.appliance.core.internal;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.junit.AfterClass;
import org.junit.Assume;
import org.junit.Before;
import org.junit.BeforeClass;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.junit.runners.Parameterized;
import org.junit.runners.Parameterized.Parameters;
import org.srv6.appliance.api.dataplane.DataplaneException;
import org.srv6.appliance.api.dataplane.PortInfo;
import org.srv6.appliance.api.dataplane.RouteSpec;
import org.srv6.appliance.core.internal.control.Provider;
import org.srv6.appliance.core.internal.io.IoRuntime;
import org.srv6.appliance.core.internal.io.Namespaces;
import org.srv6.appliance.core.internal.io.PacketPort;
import org.srv6.appliance.core.internal.io.pcap.PcapReader;

import io.netty.buffer.ByteBuf;
import org.srv6.appliance.testkit.Packets;

/**
 * AF_PACKET ports ({@code ip link add NAME type packet dev IFNAME}) on real veth pairs: one end
 * in this namespace (the appliance's), the other in a kernel host namespace.
 *
 * <pre>
 *   h1 e0 fc00:a1::2 10.201.0.2 ── veth ── afNa [pa fc00:a1::1 10.201.0.1]
 *   h2 e0 fc00:a2::2            ── veth ── afNb [pb fc00:a2::1]
 * </pre>
 *
 * The appliance ends carry no addresses of their own (IPv6 off, IPv4 forwarding off), so the
 * kernel's stack here leaves their frames to the appliance.
 */
@RunWith(Parameterized.class)
public class PacketPortTest extends DataplaneTestSupport {
    @Parameters(name = "{0}")
    public static List<Object[]> backends() {
        return List.of(new Object[] {IoRuntime.IO_URING}, new Object[] {IoRuntime.EPOLL});
    }

    private final String backend;

    public PacketPortTest(String backend) {
        this.backend = backend;
    }

    @Override
    protected String ioBackend() {
        return backend;
    }

    private static final String P = "af" + (ProcessHandle.current().pid() % 100000);
    private static final String H1 = P + "h1";
    private static final String H2 = P + "h2";
    private static final String A = P + "a";
    private static final String B = P + "b";
    private static final String SID = "fc00:5::100";

    @BeforeClass
    public static void veths() throws Exception {
        Assume.assumeTrue("AF_PACKET ports need root", "root".equals(System.getProperty("user.name")));
        cleanUp();
        for (String[] v : new String[][] {{H1, A}, {H2, B}}) {
            sh("ip", "netns", "add", v[0]);
            sh("ip", "link", "add", v[1], "type", "veth", "peer", "name", "e0", "netns", v[0]);
            sh("sysctl", "-qw", "net.ipv6.conf." + v[1] + ".disable_ipv6=1", "net.ipv4.conf." + v[1] + ".forwarding=0");
            sh("ip", "netns", "exec", v[0], "sysctl", "-qw", "net.ipv6.conf.all.accept_dad=0",
                    "net.ipv6.conf.default.accept_dad=0", "net.ipv6.conf.all.seg6_enabled=1",
                    "net.ipv6.conf.default.seg6_enabled=1", "net.ipv6.conf.all.router_solicitations=0",
                    "net.ipv6.conf.default.router_solicitations=0");
            sh("ip", "-n", v[0], "link", "set", "lo", "up");
            sh("ip", "-n", v[0], "link", "set", "e0", "up");
        }
        sh("ip", "-n", H1, "addr", "add", "fc00:a1::2/64", "dev", "e0", "nodad");
        sh("ip", "-n", H1, "addr", "add", "10.201.0.2/24", "dev", "e0");
        sh("ip", "-n", H2, "addr", "add", "fc00:a2::2/64", "dev", "e0", "nodad");
        // h1 reaches h2 through the appliance's End SID and h2's End.DT6; h2 answers by plain routing
        sh("ip", "-n", H1, "-6", "route", "add", "fc00:a2::/64", "encap", "seg6", "mode", "encap", "segs",
                SID + ",fc00:a2:d::d", "via", "fc00:a1::1", "dev", "e0");
        sh("ip", "-n", H1, "-6", "route", "add", "fc00:5::/64", "via", "fc00:a1::1", "dev", "e0"); // the outer destination
        sh("ip", "-n", H2, "-6", "route", "add", "fc00:a2:d::d/128", "encap", "seg6local", "action", "End.DT6",
                "table", "255", "dev", "e0"); // the local table: the inner packet is for h2 itself
        sh("ip", "-n", H2, "-6", "route", "add", "fc00:a1::/64", "via", "fc00:a2::1", "dev", "e0");
    }

    @AfterClass
    public static void cleanUp() throws Exception {
        for (String n : new String[] {H1, H2}) {
            new ProcessBuilder("ip", "netns", "del", n).redirectErrorStream(true).start().waitFor();
        }
        for (String d : new String[] {A, B}) {
            new ProcessBuilder("ip", "link", "del", d).redirectErrorStream(true).start().waitFor();
        }
    }

    @Before
    public void endSid() throws Exception {
        // each test gives the appliance its MAC again: the hosts forget what they learnt before
        sh("ip", "-n", H1, "neigh", "flush", "all");
        sh("ip", "-n", H2, "neigh", "flush", "all");
        dp.behaviors().addProvider(new Provider("End", "ENDPOINT", new TestEndBehavior(), 1, 0, 1, "test.end", "1.0.0"));
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

    private static String mac(String dev) throws Exception {
        return Files.readString(Path.of("/sys/class/net/" + dev + "/address")).strip();
    }

    private static boolean promiscuous(String dev) throws Exception {
        return (Integer.decode(Files.readString(Path.of("/sys/class/net/" + dev + "/flags")).strip()) & 0x100) != 0;
    }

    private void attach() throws Exception {
        dp.ports().addPacket("pa", A);
        dp.ports().addPacket("pb", B);
        dp.addresses().add("pa", "fc00:a1::1/64");
        dp.addresses().add("pa", "10.201.0.1/24");
        dp.addresses().add("pb", "fc00:a2::1/64");
    }

    /** Pings from h1 until one is answered (the first ones wait for neighbor resolution). */
    private static void ping(String ns, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", ns, "ping", "-c", "3", "-i", "0.2", "-w", "6"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertEquals("ping " + String.join(" ", args) + " from " + ns + ": " + out, 0, p.waitFor());
    }

    @Test
    public void kernelHostPingsTheApplianceAndResolvesItsMacWithNdpAndArp() throws Exception {
        attach();
        PortInfo pa = dp.ports().get("pa");
        assertEquals("packet", pa.type());
        assertEquals(A, pa.ifname());
        assertEquals("the port takes the interface's MAC", mac(A), pa.mac());
        assertTrue("rings in use: " + pa.io(), pa.io().startsWith("rx tpacket_v3") && pa.io().contains("tx tpacket_v2"));
        assertTrue("attached interface is promiscuous", promiscuous(A));
        ping(H1, "-6", "fc00:a1::1");
        ping(H1, "-4", "10.201.0.1");
        String n6 = sh("ip", "-n", H1, "-6", "neigh", "show", "fc00:a1::1");
        String n4 = sh("ip", "-n", H1, "-4", "neigh", "show", "10.201.0.1");
        assertTrue("h1 resolved the appliance with NDP: " + n6, n6.contains("lladdr " + mac(A)));
        assertTrue("h1 resolved the appliance with ARP: " + n4, n4.contains("lladdr " + mac(A)));
        var c = dp.ports().counters("pa");
        assertTrue("rx counted: " + c, c.rxPackets() >= 6 && c.rxBytes() > 0);
        assertTrue("tx counted: " + c, c.txPackets() >= 6 && c.txBytes() > 0);
    }

    private static long stat(String ns, String dev, String counter) throws Exception {
        return Long.parseLong(sh("ip", "netns", "exec", ns, "cat", "/sys/class/net/" + dev + "/statistics/" + counter).strip());
    }

    /**
     * What h1 sent is what the port received, and what the port sent is what h1 received: the
     * port does not take its own frames back (PACKET_OUTGOING) nor lose any.
     */
    @Test
    public void theCountersAreTheHostsCountersMirroredAndOwnFramesAreNotReceivedBack() throws Exception {
        attach();
        // the offsets between h1's counters and the port's, read while nothing is on the wire:
        // a frame h1 sent before the attach (or one in flight) is in h1's count and not in ours
        long[] off = quietOffsets();
        ping(H1, "-6", "fc00:a1::1");
        ping(H1, "-4", "10.201.0.1");
        await("pa rx = h1 tx, pa tx = h1 rx", () -> java.util.Arrays.equals(off, offsets()), 3000);
        assertEquals("nothing failed to go out", 0, dp.ports().counters("pa").txDropped());
    }

    /** h1 tx − pa rx and h1 rx − pa tx. */
    private long[] offsets() {
        try {
            var c = dp.ports().counters("pa");
            return new long[] {stat(H1, "e0", "tx_packets") - c.rxPackets(), stat(H1, "e0", "rx_packets") - c.txPackets()};
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@link #offsets} once two readings 200 ms apart agree. */
    private long[] quietOffsets() throws InterruptedException {
        long[] last = offsets();
        for (int i = 0; i < 50; i++) {
            Thread.sleep(200);
            long[] now = offsets();
            if (java.util.Arrays.equals(last, now)) {
                return now;
            }
            last = now;
        }
        throw new AssertionError("the link between h1 and pa never went quiet");
    }

    /**
     * The kernel takes an 802.1Q tag off before AF_PACKET sees the frame (VLAN offload); the port
     * puts it back, so that the appliance sees the frame as it was on the wire, as a TAP would.
     */
    @Test
    public void aVlanTaggedFrameKeepsItsTag() throws Exception {
        attach();
        // h1's side sends with a packet port of its own (made in h1's namespace), from this thread
        IoRuntime hrt = new IoRuntime(1, (loop, port, frame) -> frame.release(), backend);
        try {
            PacketPort h = Namespaces.run(H1, () -> hrt.openPacket(1, "h1", "e0", true));
            byte[] ip = Packets.ipv6("fc00:a1::2", "fc00:a1::1").hopLimit(64).icmpEchoRequest(0x7a, 1, Packets.fill(8, 1)).bytes();
            byte[] tagged = Packets.cat(Packets.mac(mac(A)), Packets.mac(mac("e0", H1)), Packets.u16(0x8100), Packets.u16(100),
                    Packets.u16(Packets.ETH_IPV6), ip);
            Path ca = tmp.newFile("vlan.pcap").toPath();
            dp.ports().startCapture("pa", ca, 0, null);
            ByteBuf b = hrt.newFrame();
            b.writeBytes(tagged);
            assertTrue(h.send(b));
            await("pa received the tagged frame", () -> dp.ports().captures().get(0).frames() > 0, 3000);
            dp.ports().stopCapture("pa");
            byte[] got = null;
            for (byte[] f : PcapReader.readAll(ca)) {
                if (f.length >= 18 && Packets.u16(f, 12) == 0x8100) {
                    got = f;
                }
            }
            assertNotNull("no tagged frame received", got);
            assertEquals(Packets.hex(tagged), Packets.hex(got));
            h.close();
        } finally {
            hrt.close();
        }
    }

    @Test
    public void theInterfaceGoingDownAndUpAgainLeavesThePortWorking() throws Exception {
        attach();
        ping(H1, "-6", "fc00:a1::1");
        sh("ip", "link", "set", A, "down");
        sh("ip", "link", "set", A, "up");
        ping(H1, "-6", "fc00:a1::1");
        ping(H1, "-4", "10.201.0.1");
    }

    @Test
    public void endSidForwardsBetweenTwoKernelHostsByteForByte() throws Exception {
        endSidForwards();
    }

    @Test
    public void withoutRingsFramesMoveByPlainRecvSendAndTheDetailsSaySo() throws Exception {
        System.setProperty("srv6.packet.rings", "false");
        try {
            attach();
        } finally {
            System.clearProperty("srv6.packet.rings");
        }
        assertTrue(dp.ports().get("pa").io(), dp.ports().get("pa").io().startsWith("none (plain recv/send"));
        ping(H1, "-6", "fc00:a1::1");
        endSidForwards();
    }

    private void endSidForwards() throws Exception {
        if (dp.ports().get("pa") == null) {
            attach();
        }
        dp.routes().add(new RouteSpec(6, SID + "/128", null, "pa", 254, 0, "seg6local", "End", List.of()));
        dp.routes().add(new RouteSpec(6, "fc00:a2:d::/64", "fc00:a2::2", "pb", 254, 0, null, null, null));
        Path ca = tmp.newFile("pa.pcap").toPath();
        Path cb = tmp.newFile("pb.pcap").toPath();
        dp.ports().startCapture("pa", ca, 0, null);
        dp.ports().startCapture("pb", cb, 0, null);
        int ok = run("ip", "netns", "exec", H1, "ping", "-c", "3", "-i", "0.2", "-w", "6", "-6", "fc00:a2::2");
        dp.ports().stopCapture("pa");
        dp.ports().stopCapture("pb");
        assertEquals("h1 → End → h2 (End.DT6) and back by plain forwarding: drops " + dp.counters().drops()
                + " pa " + dp.ports().counters("pa") + " pb " + dp.ports().counters("pb") + " pa frames "
                + PcapReader.readAll(ca).stream().map(Packets::hex).toList() + " pb frames "
                + PcapReader.readAll(cb).stream().map(Packets::hex).toList() + "\n" + sh("ip", "-n", H2, "-s", "link")
                + sh("ip", "-n", H2, "-6", "route") + dp.routes().list(6, 254), 0, ok);
        byte[] in = srv6(PcapReader.readAll(ca), SID);
        byte[] out = srv6(PcapReader.readAll(cb), "fc00:a2:d::d");
        assertNotNull("pa received no SRv6 frame to " + SID, in);
        assertNotNull("pb sent no SRv6 frame to fc00:a2:d::d", out);
        // what End does to the frame: new MACs, hop limit - 1, Segments Left - 1, the active segment as destination
        byte[] expected = in.clone();
        System.arraycopy(Packets.mac(mac("e0", H2)), 0, expected, 0, 6);
        System.arraycopy(Packets.mac(mac(B)), 0, expected, 6, 6);
        expected[14 + 7]--;
        assertEquals("h1's SRH has Segments Left 1", 1, expected[54 + 3]);
        expected[54 + 3] = 0;
        System.arraycopy(in, 54 + 8, expected, 14 + 24, 16);
        // the matching frame: the same echo request (ICMPv6 identifier and sequence at the frame's end)
        assertEquals(Packets.hex(expected), Packets.hex(out));
    }

    private static String mac(String dev, String ns) throws Exception {
        return sh("ip", "netns", "exec", ns, "cat", "/sys/class/net/" + dev + "/address").strip();
    }

    /** The first IPv6 frame with an SRH (next header 43) to {@code dst}. */
    private static byte[] srv6(List<byte[]> frames, String dst) {
        byte[] d = Packets.ip6(dst);
        for (byte[] f : frames) {
            if (f.length > 62 && Packets.u16(f, 12) == Packets.ETH_IPV6 && f[14 + 6] == Packets.PROTO_ROUTING
                    && Arrays.equals(d, Arrays.copyOfRange(f, 38, 54))) {
                return f;
            }
        }
        return null;
    }

    @Test
    public void badInputIsOneLineAndChangesNothing() throws Exception {
        dp.ports().addPacket("pa", A);
        List<PortInfo> before = dp.ports().list();
        List<String> config = dp.config().running();
        refused(() -> dp.ports().addPacket("pz", null), "a packet port needs dev IFNAME: the interface to attach to");
        refused(() -> dp.ports().addPacket("pz", P + "nope"),
                "cannot attach to interface " + P + "nope: no interface " + P + "nope in the appliance's network namespace");
        refused(() -> dp.ports().addPacket("pz", A), "interface " + A + " is attached to port pa already; ip link del pa first");
        refused(() -> dp.ports().addPacket("pa", B), "port pa exists");
        refused(() -> dp.ports().addPacket("pz", "bad/name"), "bad interface name 'bad/name'; expected 1-15 letters, digits, . _ - :");
        assertEquals(before, dp.ports().list());
        assertEquals(config, dp.config().running());
    }

    private interface Call {
        void run() throws DataplaneException;
    }

    private static void refused(Call c, String message) {
        try {
            c.run();
            fail("expected a refusal: " + message);
        } catch (DataplaneException e) {
            assertEquals(message, e.getMessage());
            assertFalse("one line", e.getMessage().contains("\n"));
        }
    }

    @Test
    public void deleteDetachesAndTheInterfaceStays() throws Exception {
        dp.ports().addPacket("pa", A);
        assertTrue(promiscuous(A));
        dp.ports().delete("pa");
        assertFalse("promiscuous mode goes with the socket", promiscuous(A));
        assertTrue("the interface stays", Files.exists(Path.of("/sys/class/net/" + A)));
        assertEquals(null, dp.ports().get("pa"));
        dp.ports().addPacket("pa", A); // attachable again, and it works
        dp.addresses().add("pa", "fc00:a1::1/64");
        ping(H1, "-6", "fc00:a1::1");
    }

    @Test
    public void runningConfigSavesTheAttachmentAndARestartAttachesAgain() throws Exception {
        attach();
        dp.ports().setMtu("pb", 1400);
        assertEquals(List.of("ip link add pa type packet dev " + A), dp.config().running().stream()
                .filter(l -> l.startsWith("ip link") && l.contains(" pa ")).toList());
        dp.ports().setMac("pa", "02:00:00:00:af:01");
        List<String> saved = dp.config().running();
        assertTrue(saved.toString(), saved.contains("ip link add pb type packet dev " + B));
        assertTrue(saved.toString(), saved.contains("ip link set pb mtu 1400"));
        assertTrue(saved.toString(), saved.contains("ip link set pa address 02:00:00:00:af:01"));
        dp.close();
        dp = null;
        List<String> errors = new ArrayList<>();
        List<String> replayed = restart(errors);
        assertEquals(List.of(), errors);
        assertEquals(saved, replayed);
        assertEquals(A, dp.ports().get("pa").ifname());
        assertEquals("02:00:00:00:af:01", dp.ports().get("pa").mac());
        ping(H1, "-6", "fc00:a1::1");
        String n6 = sh("ip", "-n", H1, "-6", "neigh", "show", "fc00:a1::1");
        assertTrue(n6, n6.contains("02:00:00:00:af:01") || n6.contains(mac(A)));
    }

    @Test
    public void aMissingInterfaceAtBootSendsItsLinesToRejected() throws Exception {
        String gone = P + "g";
        sh("ip", "link", "add", gone, "type", "veth", "peer", "name", gone + "p");
        try {
            dp.ports().addPacket("pg", gone);
            dp.addresses().add("pg", "fc00:a9::1/64");
        } finally {
            dp.close();
            dp = null;
            run("ip", "link", "del", gone);
        }
        List<String> errors = new ArrayList<>();
        restart(errors);
        assertEquals(List.of("ip link add pg type packet dev " + gone + ": cannot attach to interface " + gone
                + ": no interface " + gone + " in the appliance's network namespace",
                "ip -6 addr add fc00:a9::1/64 dev pg: no such port pg"), errors.stream()
                .map(e -> e.replaceAll("no such port.*", "no such port pg")).toList());
        String rejected = Files.readString(configFile.resolveSibling("srv6.conf.rejected"));
        assertTrue(rejected, rejected.contains("ip link add pg type packet dev " + gone));
        assertEquals(null, dp.ports().get("pg"));
    }

    /**
     * A new dataplane on the saved configuration, replayed; @return its running configuration
     * then. The memory ports every test ends with are added back afterwards.
     */
    private List<String> restart(List<String> errors) throws Exception {
        dp = new Dataplane(configFile, 1, org.srv6.appliance.core.internal.engine.NeighborLimits.DEFAULTS, backend);
        dp.behaviors().addProvider(new Provider("End", "ENDPOINT", new TestEndBehavior(), 1, 0, 1, "test.end", "1.0.0"));
        dp.config().replayOnce(line -> replay(line, errors));
        List<String> running = dp.config().running();
        p0 = dp.ports().addMemory("p0");
        p1 = dp.ports().addMemory("p1");
        dp.ports().setMac("p0", P0_MAC);
        dp.ports().setMac("p1", P1_MAC);
        dp.addresses().add("p1", P1_ADDR + "/64");
        dp.neighbors().add(HOST1, HOST1_MAC, "p1");
        return running;
    }

    /** The lines these tests save, applied as the shell would. */
    private String replay(String line, List<String> errors) {
        List<String> t = new ArrayList<>(Arrays.asList(line.trim().split("\\s+")));
        try {
            if (line.startsWith("ip link add ")) {
                dp.ports().addPacket(t.get(3), t.get(7));
            } else if (line.startsWith("ip link set ") && t.get(4).equals("address")) {
                dp.ports().setMac(t.get(3), t.get(5));
            } else if (line.startsWith("ip link set ") && t.get(4).equals("mtu")) {
                dp.ports().setMtu(t.get(3), Integer.parseInt(t.get(5)));
            } else if (line.contains(" addr add ")) {
                dp.addresses().add(t.get(6), t.get(4));
            } else {
                throw new DataplaneException("not replayed here: " + line);
            }
            return null;
        } catch (DataplaneException | RuntimeException e) {
            errors.add(line + ": " + e.getMessage());
            return e.getMessage();
        }
    }
}
