package org.srv6.appliance.core.internal.io.pcap;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

import io.netty.buffer.ByteBuf;

/**
 * Classic libpcap file writer (LINKTYPE_ETHERNET, microsecond timestamps, snaplen 65535),
 * the format tcpdump and Wireshark read. Appends are synchronized so several loops may share it.
 */
public final class PcapWriter implements AutoCloseable {
    public static final int MAGIC_USEC = 0xa1b2c3d4;
    public static final int LINKTYPE_ETHERNET = 1;
    public static final int SNAPLEN = 65535;

    private final OutputStream out;
    private final byte[] hdr = new byte[16];
    private boolean closed;

    public PcapWriter(Path file) throws IOException {
        out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16);
        byte[] g = new byte[24];
        putLe(g, 0, MAGIC_USEC);
        g[4] = 2; // version 2.4
        g[6] = 4;
        putLe(g, 16, SNAPLEN);
        putLe(g, 20, LINKTYPE_ETHERNET);
        out.write(g);
    }

    private static void putLe(byte[] b, int off, int v) {
        b[off] = (byte) v;
        b[off + 1] = (byte) (v >>> 8);
        b[off + 2] = (byte) (v >>> 16);
        b[off + 3] = (byte) (v >>> 24);
    }

    /** Appends frame bytes readerIndex..writerIndex without changing the buffer's indexes. */
    public synchronized boolean append(ByteBuf frame) {
        if (closed) {
            return false;
        }
        int len = frame.readableBytes();
        int cap = Math.min(len, SNAPLEN);
        try {
            header(len, cap);
            frame.getBytes(frame.readerIndex(), out, cap);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    public synchronized boolean append(byte[] frame) {
        if (closed) {
            return false;
        }
        int cap = Math.min(frame.length, SNAPLEN);
        try {
            header(frame.length, cap);
            out.write(frame, 0, cap);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private void header(int len, int cap) throws IOException {
        long now = System.currentTimeMillis() * 1000L + (System.nanoTime() / 1000L) % 1000L;
        putLe(hdr, 0, (int) (now / 1_000_000L));
        putLe(hdr, 4, (int) (now % 1_000_000L));
        putLe(hdr, 8, cap);
        putLe(hdr, 12, len);
        out.write(hdr);
    }

    public synchronized void flush() throws IOException {
        if (!closed) {
            out.flush();
        }
    }

    public synchronized boolean isClosed() {
        return closed;
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            out.close();
        } catch (IOException ignored) {
            // nothing more can be written; the file keeps what was flushed
        }
    }
}
