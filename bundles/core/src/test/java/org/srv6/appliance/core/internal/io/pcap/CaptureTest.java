package org.srv6.appliance.core.internal.io.pcap;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.Test;
import org.srv6.appliance.testkit.Packets;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

public class CaptureTest {
    private static final byte[] ECHO = Packets.ipv6("fc00::1", "fc00:5::1").icmpEchoRequest(7, 1, new byte[8])
            .frame("02:00:00:00:00:01", "02:00:00:00:00:02");
    private static final byte[] ARP = Packets.ethernet("ff:ff:ff:ff:ff:ff", "02:00:00:00:00:02", Packets.ETH_ARP,
            Packets.arp(1, "02:00:00:00:00:02", "10.0.0.1", "00:00:00:00:00:00", "10.0.0.9"));

    private static ByteBuf buf(byte[] f) {
        return Unpooled.wrappedBuffer(f);
    }

    private static Thread writer(Capture c) {
        Thread t = new Thread(c, "capture-test");
        t.setDaemon(true);
        t.start();
        return t;
    }

    /** Waits (bounded) until {@code file} holds {@code records} whole records. */
    private static List<byte[]> awaitRecords(Path file, int records) throws Exception {
        for (int i = 0; i < 500; i++) {
            List<byte[]> r = PcapReader.readAll(file);
            if (r.size() >= records) {
                return r;
            }
            Thread.sleep(10);
        }
        return PcapReader.readAll(file);
    }

    @Test
    public void headerAtOnceThenRecordsAsTheyPassThenStop() throws Exception {
        Path f = Files.createTempFile("capture", ".pcap");
        try {
            Capture c = new Capture("p0", f.toString(), CaptureFilter.ALL, 0, new FileOutputStream(f.toFile()));
            byte[] g = Files.readAllBytes(f);
            assertEquals("global header written at once", 24, g.length);
            ByteBuffer h = ByteBuffer.wrap(g).order(ByteOrder.LITTLE_ENDIAN);
            assertEquals(0xa1b2c3d4, h.getInt(0));
            assertEquals(2, h.getShort(4));
            assertEquals(4, h.getShort(6));
            assertEquals(Capture.SNAPLEN, h.getInt(16));
            assertEquals(1, h.getInt(20));
            writer(c);
            c.offer(buf(ECHO));
            c.offer(buf(ARP));
            List<byte[]> r = awaitRecords(f, 2);
            assertEquals("records readable while the capture runs", 2, r.size());
            assertArrayEquals(ECHO, r.get(0));
            assertArrayEquals(ARP, r.get(1));
            assertFalse(c.ended());
            c.offer(buf(ECHO));
            c.stop();
            assertTrue(c.await(5000));
            assertEquals(3, PcapReader.readAll(f).size());
            assertEquals(3, c.written());
            assertEquals(0, c.dropped());
            assertEquals((24 + 3 * 16 + 2 * ECHO.length + ARP.length), Files.size(f));
            c.offer(buf(ECHO));
            assertEquals("nothing taken after the end", 3 * 16 + 24 + 2 * ECHO.length + ARP.length, Files.size(f));
        } finally {
            Files.deleteIfExists(f);
        }
    }

    @Test
    public void countEndsTheCaptureAndFilterSelects() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Capture c = new Capture("p0", "-", CaptureFilter.compile("proto icmp6"), 2, out);
        Thread t = writer(c);
        c.offer(buf(ARP));
        c.offer(buf(ECHO));
        c.offer(buf(ARP));
        c.offer(buf(ECHO));
        c.offer(buf(ECHO));
        t.join(5000);
        assertTrue(c.ended());
        assertEquals(2, c.written());
        byte[] b = out.toByteArray();
        assertEquals(24 + 2 * (16 + ECHO.length), b.length);
        ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(ECHO.length, bb.getInt(24 + 8));
        assertEquals(ECHO.length, bb.getInt(24 + 12));
    }

    @Test
    public void longFramesAreCutToTheSnapLengthWithTheirLength() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Capture c = new Capture("p0", "-", CaptureFilter.ALL, 1, out);
        byte[] big = new byte[Capture.SNAPLEN + 500];
        big[Capture.SNAPLEN - 1] = 42;
        c.offer(buf(big));
        c.run();
        ByteBuffer bb = ByteBuffer.wrap(out.toByteArray()).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(Capture.SNAPLEN, bb.getInt(24 + 8));
        assertEquals(big.length, bb.getInt(24 + 12));
        assertEquals(24 + 16 + Capture.SNAPLEN, out.size());
        assertEquals(42, out.toByteArray()[24 + 16 + Capture.SNAPLEN - 1]);
    }

    @Test
    public void aFullRingDropsAndCounts() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Capture c = new Capture("p0", "-", CaptureFilter.ALL, 0, out);
        // no writer yet: the ring fills
        for (int i = 0; i < Capture.SLOTS + 10; i++) {
            c.offer(buf(ECHO));
        }
        assertEquals(10, c.dropped());
        c.stop();
        c.run();
        assertEquals(Capture.SLOTS, c.written());
        assertEquals(24 + Capture.SLOTS * (16 + ECHO.length), out.size());
    }

    @Test
    public void aStreamWhoseClientWentAwayEndsTheCapture() throws Exception {
        OutputStream gone = new OutputStream() {
            int left = 24;

            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                if (len > left) {
                    throw new IOException("gone");
                }
                left -= len;
            }
        };
        PrintStream ps = new PrintStream(gone, true, StandardCharsets.UTF_8);
        Capture c = new Capture("p0", "-", CaptureFilter.ALL, 0, ps);
        Thread t = writer(c);
        c.offer(buf(ECHO));
        t.join(5000);
        assertTrue(c.ended());
        assertEquals("the client went away", c.error());
    }

    @Test
    public void readByTcpdumpWhileRunningAndWhenStopped() throws Exception {
        Path f = Files.createTempFile("capture", ".pcap");
        try {
            Capture c = new Capture("p0", f.toString(), CaptureFilter.ALL, 0, new FileOutputStream(f.toFile()));
            writer(c);
            c.offer(buf(ECHO));
            awaitRecords(f, 1);
            String running = tcpdump(f);
            assertTrue(running, running.contains("fc00::1 > fc00:5::1: ICMP6, echo request, id 7, seq 1"));
            assertFalse(running, running.contains("truncated"));
            c.offer(buf(ARP));
            c.stop();
            assertTrue(c.await(5000));
            String all = tcpdump(f);
            assertTrue(all, all.contains("ARP, Request who-has 10.0.0.9 tell 10.0.0.1"));
            assertFalse(all, all.contains("truncated"));
        } finally {
            Files.deleteIfExists(f);
        }
    }

    private static String tcpdump(Path f) throws Exception {
        Process p = new ProcessBuilder("tcpdump", "-n", "-r", f.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(out, 0, p.waitFor());
        return out;
    }
}
