package org.srv6.appliance.core.internal;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.After;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.junit.runners.Parameterized;
import org.junit.runners.Parameterized.Parameters;
import org.srv6.appliance.core.internal.io.IoRuntime;
import org.srv6.appliance.core.internal.io.TapPort;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;

/**
 * A burst of frames through a pair of TAPs on each I/O backend: port a writes them from its event
 * loop, the kernel redirects each one from a's netdev to b's (tc u32 mirred), port b reads them. Every
 * frame must arrive, in order, with its exact bytes; the counters of both ports must say so, and
 * no buffer may leak (the reads posted when the ports close included).
 */
@RunWith(Parameterized.class)
public class TapBurstTest {
    private static final String NS = "iu" + ProcessHandle.current().pid();
    private static final int FRAMES = 10_000;
    private static final int BATCH = 500;
    private static final int ETHERTYPE = 0x88b5; // local experimental: nothing else in the namespace sends it

    private final String backend;
    private final ConcurrentLinkedQueue<byte[]> received = new ConcurrentLinkedQueue<>();
    private final AtomicInteger count = new AtomicInteger();
    private IoRuntime rt;

    @Parameters(name = "{0}")
    public static List<Object[]> backends() {
        return List.of(new Object[] {IoRuntime.IO_URING}, new Object[] {IoRuntime.EPOLL});
    }

    public TapBurstTest(String backend) {
        this.backend = backend;
    }

    private static String sh(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertEquals(String.join(" ", cmd) + ": " + out, 0, p.waitFor());
        return out;
    }

    @Before
    public void setUp() throws Exception {
        DataplaneTestSupport.assertNoLeakReported(0); // installs the leak watch, starts from a clean slate
        new ProcessBuilder("ip", "netns", "del", NS).start().waitFor();
        sh("ip", "netns", "add", NS);
        // no IPv6 (no router/neighbor solicitations): b receives the burst only
        sh("ip", "netns", "exec", NS, "sysctl", "-qw", "net.ipv6.conf.default.disable_ipv6=1");
        sh("ip", "netns", "exec", NS, "sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=1");
    }

    @After
    public void tearDown() throws Exception {
        if (rt != null) {
            rt.close();
        }
        new ProcessBuilder("ip", "netns", "del", NS).start().waitFor();
    }

    private static byte[] frame(int seq) {
        int len = 60 + (seq * 37) % 1400;
        byte[] f = new byte[len];
        f[0] = 2;
        f[5] = (byte) 0xbb;
        f[6] = 2;
        f[11] = (byte) 0xaa;
        f[12] = (byte) (ETHERTYPE >>> 8);
        f[13] = (byte) ETHERTYPE;
        f[14] = (byte) (seq >>> 24);
        f[15] = (byte) (seq >>> 16);
        f[16] = (byte) (seq >>> 8);
        f[17] = (byte) seq;
        for (int i = 18; i < len; i++) {
            f[i] = (byte) (seq * 31 + i);
        }
        return f;
    }

    @Test
    public void burstArrivesWholeInOrderWithExactCountersAndNoLeak() throws Exception {
        rt = new IoRuntime(1, (loop, port, frame) -> {
            if (port.name().equals("iub") && frame.getUnsignedShort(frame.readerIndex() + 12) == ETHERTYPE) {
                received.add(ByteBufUtil.getBytes(frame));
                count.incrementAndGet();
            }
            frame.release();
        }, backend);
        assertEquals(backend, rt.backend());
        TapPort a = rt.openTap(1, "iua", 1, NS, "iua");
        TapPort b = rt.openTap(2, "iub", 1, NS, "iub");
        sh("ip", "-n", NS, "link", "set", "iub", "txqueuelen", "5000");
        sh("tc", "-n", NS, "qdisc", "add", "dev", "iua", "clsact");
        sh("tc", "-n", NS, "filter", "add", "dev", "iua", "ingress", "u32", "match", "u32", "0", "0",
                "action", "mirred", "egress", "redirect", "dev", "iub");

        long bytes = 0;
        for (int i = 0; i < FRAMES; i++) {
            bytes += frame(i).length;
        }
        AtomicInteger refused = new AtomicInteger();
        for (int start = 0; start < FRAMES; start += BATCH) {
            int from = start;
            // from a's own loop: under io_uring these are write SQEs, submitted together
            rt.execute(0, () -> {
                for (int i = from; i < from + BATCH; i++) {
                    ByteBuf f = rt.newFrame();
                    f.writeBytes(frame(i));
                    if (!a.send(f)) {
                        refused.incrementAndGet();
                    }
                }
            });
            int want = from + BATCH;
            for (int waited = 0; count.get() < want; waited++) {
                if (waited > 2000) {
                    fail(backend + ": " + count.get() + " of " + want + " frames arrived; a tx " + a.txPackets.sum()
                            + " dropped " + a.txDropped.sum() + ", b rx " + b.rxPackets.sum());
                }
                Thread.sleep(5);
            }
        }
        assertEquals(0, refused.get());
        List<byte[]> got = new ArrayList<>(received);
        assertEquals(FRAMES, got.size());
        for (int i = 0; i < FRAMES; i++) {
            assertArrayEquals("frame " + i, frame(i), got.get(i));
        }
        assertEquals(FRAMES, a.txPackets.sum());
        assertEquals(bytes, a.txBytes.sum());
        assertEquals(0, a.txDropped.sum());
        assertEquals(FRAMES, b.rxPackets.sum());
        assertEquals(bytes, b.rxBytes.sum());
        assertEquals(0, b.rxDropped.sum());
        // the kernel's view: a's netdev took every frame in, b's sent every one out
        assertEquals(FRAMES, Long.parseLong(sh("ip", "netns", "exec", NS, "cat",
                "/sys/class/net/iua/statistics/rx_packets").strip()));
        assertEquals(FRAMES, Long.parseLong(sh("ip", "netns", "exec", NS, "cat",
                "/sys/class/net/iub/statistics/tx_packets").strip()));

        a.destroy();
        b.destroy();
        rt.close();
        rt = null;
        DataplaneTestSupport.assertNoLeakReported(3000);
        assertTrue(sh("ip", "-n", NS, "link", "show").indexOf("iua") < 0);
    }
}
