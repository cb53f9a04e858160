package org.srv6.appliance.core.internal.io;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;

import org.junit.After;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.srv6.appliance.testkit.Packets;

/**
 * Which queue a loop sends on. Each event loop knows its index; a multi-queue TAP sends from loop
 * i on the queue loop i reads (another thread: queue 0). Seen from the kernel: the TAP driver
 * remembers, per flow, the queue the appliance last wrote that flow on and sends the flow's
 * next frames to that queue; a port that echoes each frame from the loop that read it therefore
 * keeps every flow on its loop, whereas writes all on queue 0 would pull the flows of loop 1 over.
 */
public class LoopQueuesTest {
    private static final String NS = "mq" + (ProcessHandle.current().pid() % 100000) + "q";
    private static final int FLOWS = 32;

    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    private IoRuntime rt;
    /** Per round and flow: 1 + the loop that read its frame (0: not seen). */
    private final AtomicIntegerArray loopOf = new AtomicIntegerArray(2 * FLOWS);

    @After
    public void tearDown() throws Exception {
        if (rt != null) {
            rt.close();
        }
        new ProcessBuilder("ip", "netns", "del", NS).redirectErrorStream(true).start().waitFor();
    }

    private static String sh(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            fail(String.join(" ", cmd) + ": " + out);
        }
        return out;
    }

    @Test
    public void eachLoopKnowsItsIndexAndOtherThreadsNone() throws Exception {
        rt = new IoRuntime(3, (loop, port, frame) -> frame.release());
        for (int l = 0; l < 3; l++) {
            int want = l;
            CompletableFuture<Integer> f = new CompletableFuture<>();
            rt.execute(l, () -> f.complete(rt.currentLoop()));
            assertEquals(want, (int) f.get(5, TimeUnit.SECONDS));
        }
        assertEquals(-1, rt.currentLoop());
        IoRuntime other = new IoRuntime(1, (loop, port, frame) -> frame.release());
        try {
            CompletableFuture<Integer> f = new CompletableFuture<>();
            other.execute(0, () -> f.complete(rt.currentLoop()));
            assertEquals("a loop of another runtime is not one of this runtime's", -1, (int) f.get(5, TimeUnit.SECONDS));
        } finally {
            other.close();
        }
    }

    @Test
    public void aTapSendsFromEachLoopOnTheQueueThatLoopReads() throws Exception {
        rt = new IoRuntime(2, (loop, port, frame) -> frame.release());
        sh("ip", "netns", "add", NS);
        TapPort two = rt.openTap(1, "mqq2", 2, NS, "q2");
        assertEquals(0, two.txQueueLoop(0));
        assertEquals(1, two.txQueueLoop(1));
        TapPort one = rt.openTap(2, "mqq1", 1, NS, "q1");
        assertEquals("one queue: both loops send on it", one.txQueueLoop(0), one.txQueueLoop(1));
        TapPort three = rt.openTap(3, "mqq3", 3, NS, "q3");
        assertEquals(0, three.txQueueLoop(0));
        assertEquals(1, three.txQueueLoop(1));
    }

    @Test
    public void flowsEchoedFromTheLoopThatReadThemStayOnThatLoop() throws Exception {
        rt = new IoRuntime(2, (loop, port, frame) -> {
            int round = frame.getByte(frame.readerIndex() + 62);
            int flow = frame.getByte(frame.readerIndex() + 63);
            if (round >= 0 && round < 2 && flow >= 0 && flow < FLOWS) {
                loopOf.compareAndSet(round * FLOWS + flow, 0, loop + 1);
            }
            port.send(frame); // back to the kernel, from this loop
        });
        sh("ip", "netns", "add", NS);
        sh("ip", "netns", "exec", NS, "sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=1",
                "net.ipv6.conf.default.disable_ipv6=1");
        TapPort t = rt.openTap(1, "mqqe", 2, NS, "qe");
        assertEquals(2, t.queues());
        byte[] mac = Packets.mac(t.mac());
        byte[] host = Packets.mac("02:00:00:00:9e:02");
        StringBuilder hex = new StringBuilder();
        for (int round = 0; round < 2; round++) {
            for (int f = 0; f < FLOWS; f++) {
                String src = "fc00:9e::" + Integer.toHexString(0x100 + f);
                byte[] data = {(byte) round, (byte) f, 0, 0};
                hex.append(HexFormat.of().formatHex(Packets.ethernet(mac, host, Packets.ETH_IPV6,
                        Packets.ipv6(src, "fc00:9e::1", 17, 64, 0, Packets.udp(src, "fc00:9e::1", 30000 + f, 7, data)))))
                        .append('\n');
            }
            hex.append("-\n"); // a pause: the round's echoes are written before the next round comes
        }
        Path frames = tmp.newFile("frames").toPath();
        Files.writeString(frames, hex);
        sh("ip", "netns", "exec", NS, "python3", "-c", String.join("\n",
                "import socket, sys, time",
                "s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)",
                "s.bind((sys.argv[1], 0))",
                "for l in open(sys.argv[2]):",
                "    l = l.strip()",
                "    if l == '-':",
                "        time.sleep(0.3)",
                "    elif l:",
                "        s.send(bytes.fromhex(l))"), "qe", frames.toString());
        long end = System.nanoTime() + 5_000_000_000L;
        int seen;
        do {
            seen = 0;
            for (int i = 0; i < 2 * FLOWS; i++) {
                seen += loopOf.get(i) != 0 ? 1 : 0;
            }
            if (seen < 2 * FLOWS) {
                Thread.sleep(10);
            }
        } while (seen < 2 * FLOWS && System.nanoTime() < end);
        assertEquals("frames read", 2 * FLOWS, seen);
        int[] perLoop = new int[2];
        for (int f = 0; f < FLOWS; f++) {
            perLoop[loopOf.get(f) - 1]++;
            assertEquals("flow " + f + " moved to another loop after its echo", loopOf.get(f), loopOf.get(FLOWS + f));
        }
        assertTrue("the kernel spread the flows over both queues: " + perLoop[0] + "/" + perLoop[1],
                perLoop[0] > 0 && perLoop[1] > 0);
        assertEquals("frames echoed", 2 * FLOWS, t.txPackets.sum());
    }
}
