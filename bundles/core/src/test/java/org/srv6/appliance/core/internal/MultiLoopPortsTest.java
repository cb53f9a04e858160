package org.srv6.appliance.core.internal;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import org.junit.After;
import org.junit.AfterClass;
import org.junit.Before;
import org.junit.BeforeClass;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.srv6.appliance.api.behavior.DropReason;
import org.srv6.appliance.api.dataplane.PortCounters;
import org.srv6.appliance.api.dataplane.PortInfo;
import org.srv6.appliance.testkit.Packets;

/**
 * Two event loops receiving on the same port at once: a multi-queue TAP (one queue per loop by
 * default) and an AF_PACKET port (one socket per loop in a fanout group). A raw sender in h1 sends
 * many UDP flows through the appliance to h2, whose raw receiver records every frame: each one
 * arrives once with exactly the bytes expected (MACs rewritten, hop limit less one), each flow in
 * order, the counters add up, both loops did work, no buffer is held or leaked.
 *
 * <pre>
 *   h1 t0 ── TAP (2 queues) ── [ta fc00:b1::1]  [tb fc00:b2::1] ── TAP (2 queues) ── t0 h2 (fc00:b2::2)
 *   h1 v0 ── veth ── mqNa [pa fc00:b1::1]        [pb fc00:b2::1] mqNb ── veth ── v0 h2
 * </pre>
 *
 * The hosts' interfaces run without IPv6 (their kernels send nothing of their own); the frames
 * are made and read by AF_PACKET sockets.
 */
public class MultiLoopPortsTest {
    private static final String P = "mq" + (ProcessHandle.current().pid() % 100000);
    private static final String H1 = P + "h1";
    private static final String H2 = P + "h2";
    private static final String A = P + "a";
    private static final String B = P + "b";
    private static final String DST = "fc00:b2::2";
    private static final String H2_MAC = "02:00:00:00:b2:02";
    private static final int FLOWS = 64;
    private static final int PER_FLOW = 60;
    private static final int DPORT = 9999;

    /** Sends the frames of a file (hex, one a line) on an interface, paced so that no queue overflows. */
    private static final String SENDER = String.join("\n",
            "import socket, sys, time",
            "s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)",
            "s.bind((sys.argv[1], 0))",
            "frames = [bytes.fromhex(l) for l in open(sys.argv[2]) if l.strip()]",
            "for i, f in enumerate(frames):",
            "    s.send(f)",
            "    if i % 16 == 15:",
            "        time.sleep(0.002)");

    /** Records every UDP frame to DPORT received on an interface (hex, one a line) until none came for a while. */
    private static final String RECEIVER = String.join("\n",
            "import socket, sys",
            "s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(0x86dd))",
            "s.setsockopt(socket.SOL_SOCKET, 33, 1 << 25)", // SO_RCVBUFFORCE
            "s.bind((sys.argv[1], 0))",
            "want = int(sys.argv[2])",
            "out = open(sys.argv[3], 'w')",
            "n = 0",
            "print('ready', flush=True)",
            "s.settimeout(20)",
            "try:",
            "    while True:",
            "        f = s.recv(65535)",
            "        if len(f) >= 58 and f[20] == 17 and f[56] * 256 + f[57] == " + DPORT + ":",
            "            out.write(f.hex() + '\\n')",
            "            n += 1",
            "            if n >= want:",
            "                s.settimeout(1)", // duplicates, if any, would come now
            "except socket.timeout:",
            "    pass",
            "out.close()");

    private static final List<String> LEAKS = new ArrayList<>();
    private static final Handler LEAK_WATCH = new Handler() {
        @Override
        public void publish(LogRecord r) {
            String m = r.getMessage();
            if (m != null && m.contains("LEAK:")) {
                synchronized (LEAKS) {
                    LEAKS.add(m);
                }
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    static {
        Logger.getLogger("io.netty").addHandler(LEAK_WATCH);
    }

    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    private Dataplane dp;

    @BeforeClass
    public static void namespaces() throws Exception {
        assertEquals("real TAP devices, veths and namespaces need root", "root", System.getProperty("user.name"));
        cleanUp();
        for (String[] v : new String[][] {{H1, A}, {H2, B}}) {
            sh("ip", "netns", "add", v[0]);
            // no IPv6 of their own on the hosts' interfaces, none on the appliance's veth ends here
            sh("ip", "netns", "exec", v[0], "sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=1",
                    "net.ipv6.conf.default.disable_ipv6=1");
            sh("ip", "link", "add", v[1], "type", "veth", "peer", "name", "v0", "netns", v[0]);
            sh("sysctl", "-qw", "net.ipv6.conf." + v[1] + ".disable_ipv6=1", "net.ipv4.conf." + v[1] + ".forwarding=0");
            sh("ip", "-n", v[0], "link", "set", "v0", "up");
        }
        sh("ip", "-n", H2, "link", "set", "v0", "address", H2_MAC);
    }

    @AfterClass
    public static void cleanUp() throws Exception {
        for (String n : new String[] {H1, H2}) {
            run("ip", "netns", "del", n);
        }
        for (String d : new String[] {A, B}) {
            run("ip", "link", "del", d);
        }
    }

    @Before
    public void twoLoops() {
        assertEquals("Netty leak detection must run PARANOID", "paranoid",
                System.getProperty("io.netty.leakDetection.level"));
        dp = new Dataplane(tmp.getRoot().toPath().resolve("etc/srv6.conf"), 2);
    }

    @After
    public void checks() throws Exception {
        try {
            long end = System.nanoTime() + 5_000_000_000L;
            while (dp.counters().buffersHeld() != 0 && System.nanoTime() < end) {
                Thread.sleep(5);
            }
            assertEquals("buffers held", 0, dp.counters().buffersHeld());
            assertEquals("dropped as internal (something threw on the packet path): " + dp.counters().drops(), 0,
                    (long) dp.counters().drops().get(DropReason.INTERNAL.label()));
            for (int round = 0; round < 3; round++) {
                System.gc();
                Thread.sleep(50);
                io.netty.buffer.ByteBuf b = dp.runtime().newFrame(); // a tracked allocation reports what leaked
                b.release();
            }
            synchronized (LEAKS) {
                assertTrue("Netty reported leaks: " + LEAKS, LEAKS.isEmpty());
            }
        } finally {
            synchronized (LEAKS) {
                LEAKS.clear();
            }
            dp.close();
        }
    }

    @Test
    public void twoLoopsReadAMultiQueueTapAndSendOnTheirOwnQueues() throws Exception {
        PortInfo ta = dp.ports().addTap("ta", 0, H1, "t0");
        PortInfo tb = dp.ports().addTap("tb", 0, H2, "t0");
        assertEquals("one queue per event loop", 2, ta.queues());
        assertEquals("one queue per event loop", 2, tb.queues());
        sh("ip", "-n", H2, "link", "set", "t0", "address", H2_MAC);
        forwardFlows("ta", "tb", H1, "t0", H2, "t0");
    }

    @Test
    public void twoLoopsReadAPacketPortThroughAFanoutGroup() throws Exception {
        dp.ports().addPacket("pa", A);
        dp.ports().addPacket("pb", B);
        assertTrue(dp.ports().get("pa").io(), dp.ports().get("pa").io().contains("per loop (fanout hash)"));
        forwardFlows("pa", "pb", H1, "v0", H2, "v0");
    }

    @Test
    public void aTapKeptFromARunWithAnotherNumberOfLoopsIsAttachedAsItWasMade() throws Exception {
        Path conf = tmp.getRoot().toPath().resolve("etc/srv6.conf");
        // made by two loops: multi-queue; a run with one loop attaches to it with its two queues
        assertEquals(2, dp.ports().addTap("tk", 0, H1, "k0").queues());
        dp.close();
        dp = new Dataplane(conf, 1);
        assertEquals("re-attached multi-queue", 2, dp.ports().addTap("tk", 0, H1, "k0").queues());
        dp.ports().delete("tk");
        // made by one loop: one queue, no IFF_MULTI_QUEUE; a run with two loops attaches with that one queue
        assertEquals(1, dp.ports().addTap("tk", 0, H1, "k0").queues());
        dp.close();
        dp = new Dataplane(conf, 2);
        assertEquals("re-attached single-queue", 1, dp.ports().addTap("tk", 0, H1, "k0").queues());
        dp.ports().delete("tk");
        assertEquals("deleted: made anew with one queue per loop", 2, dp.ports().addTap("tk", 0, H1, "k0").queues());
        dp.ports().delete("tk");
    }

    @Test
    public void theRunningConfigurationKeepsAQueueCountGivenAndNoneForTheDefault() throws Exception {
        dp.ports().addTap("tq", 1, H1, "q1");
        dp.ports().addTap("td", 0, H1, "q2");
        dp.ports().addTap("t3", 3, H1, "q3");
        List<String> lines = dp.config().running();
        assertTrue(lines.toString(), lines.contains("ip link add tq type tap queues 1 netns " + H1 + " name q1"));
        assertTrue(lines.toString(), lines.contains("ip link add td type tap netns " + H1 + " name q2"));
        assertTrue(lines.toString(), lines.contains("ip link add t3 type tap queues 3 netns " + H1 + " name q3"));
        assertEquals(1, dp.ports().get("tq").queues());
        assertEquals(2, dp.ports().get("td").queues());
        assertEquals(3, dp.ports().get("t3").queues());
        for (String p : new String[] {"tq", "td", "t3"}) {
            dp.ports().delete(p);
        }
    }

    /** FLOWS flows of PER_FLOW frames each, interleaved, from h1 (raw, on {@code dev1}) through {@code in} and {@code out} to h2. */
    private void forwardFlows(String in, String out, String ns1, String dev1, String ns2, String dev2) throws Exception {
        dp.addresses().add(in, "fc00:b1::1/64");
        dp.addresses().add(out, "fc00:b2::1/64");
        dp.neighbors().add(DST, H2_MAC, out);
        byte[] inMac = Packets.mac(dp.ports().get(in).mac());
        byte[] outMac = Packets.mac(dp.ports().get(out).mac());
        byte[] h1Mac = Packets.mac("02:00:00:00:b1:02");

        List<byte[]> sent = new ArrayList<>();
        StringBuilder hex = new StringBuilder();
        for (int seq = 0; seq < PER_FLOW; seq++) {
            for (int f = 0; f < FLOWS; f++) {
                String src = "fc00:b1::" + Integer.toHexString(0x100 + f % 8);
                byte[] data = new byte[16 + (f * 7 + seq) % 200];
                data[0] = (byte) f;
                data[1] = (byte) (seq >> 8);
                data[2] = (byte) seq;
                for (int i = 3; i < data.length; i++) {
                    data[i] = (byte) (i * 31 + f);
                }
                byte[] frame = Packets.ethernet(inMac, h1Mac, Packets.ETH_IPV6,
                        Packets.ipv6(src, DST, 17, 64, 0, Packets.udp(src, DST, 20000 + f, DPORT, data)));
                sent.add(frame);
                hex.append(HexFormat.of().formatHex(frame)).append('\n');
            }
        }
        Path frames = tmp.newFile("frames").toPath();
        Files.writeString(frames, hex);
        Path received = tmp.getRoot().toPath().resolve("received");
        long[] busyBefore = dp.counters().loopBusyNanos();

        Process rx = new ProcessBuilder("ip", "netns", "exec", ns2, "python3", "-c", RECEIVER, dev2,
                String.valueOf(sent.size()), received.toString()).redirectErrorStream(true).start();
        try {
            BufferedReader r = new BufferedReader(new InputStreamReader(rx.getInputStream(), StandardCharsets.UTF_8));
            assertEquals("receiver in " + ns2, "ready", r.readLine());
            sh("ip", "netns", "exec", ns1, "python3", "-c", SENDER, dev1, frames.toString());
            assertTrue("receiver still running after 60 s", rx.waitFor(60, TimeUnit.SECONDS));
        } finally {
            rx.destroyForcibly();
        }

        List<byte[]> got = new ArrayList<>();
        for (String l : Files.readAllLines(received)) {
            if (!l.isBlank()) {
                got.add(HexFormat.of().parseHex(l.strip()));
            }
        }
        PortCounters ci = dp.ports().counters(in);
        PortCounters co = dp.ports().counters(out);
        String counters = ci + " " + co + " drops " + dp.counters().drops();
        assertEquals("frames received by h2 (" + counters + ")", sent.size(), got.size());

        // each flow's frames in the order sent, each with the bytes expected
        int[] next = new int[FLOWS];
        long bytes = 0;
        for (byte[] g : got) {
            int f = g[62] & 0xff;
            int seq = (g[63] & 0xff) << 8 | (g[64] & 0xff);
            assertTrue("flow " + f, f < FLOWS);
            assertEquals("flow " + f + " out of order", next[f], seq);
            byte[] want = sent.get(seq * FLOWS + f).clone();
            System.arraycopy(Packets.mac(H2_MAC), 0, want, 0, 6);
            System.arraycopy(outMac, 0, want, 6, 6);
            want[21] = 63; // hop limit
            assertArrayEquals("flow " + f + " frame " + seq, want, g);
            next[f]++;
            bytes += g.length;
        }
        for (int f = 0; f < FLOWS; f++) {
            assertEquals("frames of flow " + f, PER_FLOW, next[f]);
        }

        // counters: every frame in on one port and out on the other, none dropped
        assertEquals(counters, sent.size(), ci.rxPackets());
        assertEquals(counters, bytes, ci.rxBytes());
        assertEquals(counters, sent.size(), co.txPackets());
        assertEquals(counters, bytes, co.txBytes());
        assertEquals(counters, 0, ci.rxDropped() + co.txDropped());
        assertEquals(counters, sent.size(), dp.counters().rxPackets());

        long[] busy = dp.counters().loopBusyNanos();
        for (int l = 0; l < busy.length; l++) {
            assertTrue("loop " + l + " read no frame: busy " + busyBefore[l] + " -> " + busy[l], busy[l] > busyBefore[l]);
        }
    }

    private static String sh(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            fail(String.join(" ", cmd) + ": " + out);
        }
        return out;
    }

    private static int run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        return p.waitFor();
    }
}
