package org.srv6.appliance.core.internal.io;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assume.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.After;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.junit.runners.Parameterized;
import org.junit.runners.Parameterized.Parameters;
import org.srv6.appliance.core.internal.io.pcap.PcapReader;
import org.srv6.appliance.core.internal.io.pcap.PcapWriter;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;

/** Every port on both I/O backends. */
@RunWith(Parameterized.class)
public class IoPortsTest {
    private static final String NS = "cio" + ProcessHandle.current().pid();
    private final LinkedBlockingQueue<byte[]> received = new LinkedBlockingQueue<>();
    private final String backend;
    private IoRuntime rt;

    @Parameters(name = "{0}")
    public static List<Object[]> backends() {
        return List.of(new Object[] {IoRuntime.IO_URING}, new Object[] {IoRuntime.EPOLL});
    }

    public IoPortsTest(String backend) {
        this.backend = backend;
    }

    private IoRuntime runtime(boolean echo) {
        rt = new IoRuntime(1, (loop, port, frame) -> {
            received.add(ByteBufUtil.getBytes(frame));
            if (echo) {
                port.send(frame);
            } else {
                frame.release();
            }
        }, backend);
        assertEquals(backend, rt.backend()); // io_uring is available here (kernel.io_uring_disabled=0)
        return rt;
    }

    @After
    public void tearDown() throws Exception {
        if (rt != null) {
            rt.execute(0, () -> { });
            Thread.sleep(100);
            rt.close();
        }
        new ProcessBuilder("ip", "netns", "del", NS).inheritIO().start().waitFor();
    }

    private static String sh(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertEquals(String.join(" ", cmd) + ": " + out, 0, p.waitFor());
        return out;
    }

    @Test
    public void memoryPortRoundTrip() throws Exception {
        MemoryPortImpl m = runtime(true).openMemory(1, "mem0");
        byte[] f = new byte[60];
        for (int i = 0; i < f.length; i++) {
            f[i] = (byte) i;
        }
        m.inject(f);
        assertArrayEquals(f, m.poll(2000));
        assertArrayEquals(f, received.poll(1, TimeUnit.SECONDS));
        assertEquals(1, m.rxPackets.sum());
        assertEquals(1, m.txPackets.sum());
    }

    @Test
    public void pcapWriteThenReadBackEqualAndTcpdumpListsIt() throws Exception {
        Path f = Files.createTempFile("cio", ".pcap");
        byte[] a = new byte[64];
        byte[] b = new byte[100];
        a[12] = (byte) 0x86;
        a[13] = (byte) 0xdd;
        b[12] = 0x08;
        b[13] = 0x06;
        try (PcapWriter w = new PcapWriter(f)) {
            w.append(a);
            w.append(b);
        }
        List<byte[]> l = PcapReader.readAll(f);
        assertEquals(2, l.size());
        assertArrayEquals(a, l.get(0));
        assertArrayEquals(b, l.get(1));
        if (Files.isExecutable(Path.of("/usr/bin/tcpdump")) || Files.isExecutable(Path.of("/usr/sbin/tcpdump"))) {
            String out = sh("tcpdump", "-nn", "-r", f.toString());
            // one line per packet, each starting with its time stamp; tcpdump's banner is not one
            long packets = out.lines().filter(line -> line.matches("^\\d\\d:\\d\\d:\\d\\d\\.\\d+ .*")).count();
            assertEquals(out, 2, packets);
        }
        Files.delete(f);
    }

    @Test
    public void pcapPortReplaysAndWrites() throws Exception {
        Path in = Files.createTempFile("cio", ".pcap");
        Path out = Files.createTempFile("cio", ".pcap");
        byte[] a = new byte[80];
        a[0] = 1;
        try (PcapWriter w = new PcapWriter(in)) {
            w.append(a);
        }
        PcapPort p = runtime(true).openPcap(2, "pcap0", in, out);
        assertArrayEquals(a, received.poll(2, TimeUnit.SECONDS));
        rt.execute(0, () -> { }); 
        Thread.sleep(100);
        p.close();
        List<byte[]> l = PcapReader.readAll(out);
        assertEquals(1, l.size());
        assertArrayEquals(a, l.get(0));
        Files.delete(in);
        Files.delete(out);
    }

    @Test
    public void tapReceivesKernelFramesAndSendsToKernelAfterMoveAndRename() throws Exception {
        assumeTrue("TAP tests need root", "root".equals(System.getProperty("user.name")));
        String dev = "cio" + (ProcessHandle.current().pid() % 100000) + "t";
        TapPort t = runtime(false).openTap(3, dev, 1);
        sh("ip", "netns", "add", NS);
        sh("ip", "link", "set", dev, "netns", NS);
        sh("ip", "-n", NS, "link", "set", dev, "address", "02:00:00:00:00:33", "up");
        sh("ip", "-n", NS, "addr", "add", "2001:db8::1/64", "dev", dev, "nodad");
        // kernel resolves an unknown neighbor: an NS must come out on the TAP
        new ProcessBuilder("ip", "netns", "exec", NS, "ping", "-6", "-c1", "-W1", "2001:db8::2").start().waitFor();
        byte[] f = null;
        for (byte[] x; (x = received.poll(2, TimeUnit.SECONDS)) != null;) {
            if ((x[12] & 0xff) == 0x86 && (x[13] & 0xff) == 0xdd && x[6] == 2 && x[11] == 0x33) {
                f = x;
                break;
            }
        }
        assertNotNull("no IPv6 frame from the kernel", f);
        assertArrayEquals(new byte[] {2, 0, 0, 0, 0, 0x33}, java.util.Arrays.copyOfRange(f, 6, 12));
        // rename inside the namespace; the fd keeps working
        sh("ip", "-n", NS, "link", "set", dev, "down");
        sh("ip", "-n", NS, "link", "set", dev, "name", dev + "r");
        sh("ip", "-n", NS, "link", "set", dev + "r", "up");
        long before = rxPackets(dev + "r");
        for (int i = 0; i < 5; i++) {
            ByteBuf b = rt.newFrame();
            b.writeBytes(new byte[] {2, 0, 0, 0, 0, 0x33, 2, 0, 0, 0, 0, 0x44, (byte) 0x88, (byte) 0xb5});
            b.writeZero(46);
            assertTrue(t.send(b));
        }
        Thread.sleep(200);
        assertEquals(before + 5, rxPackets(dev + "r"));
        assertEquals(5, t.txPackets.sum());
    }

    @Test
    public void tapInANamespaceOutlivesTheRuntimeWithItsAddressesAndIsReattachedThenDeleted() throws Exception {
        assumeTrue("TAP tests need root", "root".equals(System.getProperty("user.name")));
        sh("ip", "netns", "add", NS);
        TapPort t = runtime(false).openTap(4, "port0", 1, NS, "eth7");
        assertEquals(NS, t.netns());
        assertTrue(sh("ip", "-n", NS, "link", "show", "eth7").contains("UP"));
        sh("ip", "-n", NS, "addr", "add", "2001:db8:7::1/64", "dev", "eth7", "nodad");
        rt.close(); // the appliance stops: the netdev stays, with the host's address
        rt = null;
        assertTrue(sh("ip", "-n", NS, "addr", "show", "dev", "eth7").contains("2001:db8:7::1/64"));
        TapPort again = runtime(false).openTap(4, "port0", 1, NS, "eth7");
        assertTrue(sh("ip", "-n", NS, "addr", "show", "dev", "eth7").contains("2001:db8:7::1/64"));
        long before = rxPackets("eth7");
        ByteBuf b = rt.newFrame();
        b.writeBytes(new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff,
            2, 0, 0, 0, 0, 0x44, (byte) 0x88, (byte) 0xb5});
        b.writeZero(46);
        assertTrue(again.send(b));
        Thread.sleep(200);
        assertEquals(before + 1, rxPackets("eth7"));
        again.destroy(); // ip link del: the netdev goes
        Thread.sleep(100);
        assertTrue(sh("ip", "-n", NS, "link", "show").indexOf("eth7") < 0);
    }

    @Test
    public void tapInAMissingNamespaceIsRefusedWithTheWayToCreateIt() {
        try {
            runtime(false).openTap(5, "port1", 1, "srv6-no-such-ns", null);
            org.junit.Assert.fail("expected a refusal");
        } catch (IOException e) {
            assertEquals("no network namespace srv6-no-such-ns; create it first (ip netns add srv6-no-such-ns)", e.getMessage());
        }
    }

    private static long rxPackets(String dev) throws Exception {
        return Long.parseLong(sh("ip", "netns", "exec", NS, "cat", "/sys/class/net/" + dev + "/statistics/rx_packets").strip());
    }
}
