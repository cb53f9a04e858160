package org.srv6.appliance.core.internal.io.pcap;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Reads classic libpcap files in either byte order, with microsecond or nanosecond magic. */
public final class PcapReader {
    private final ByteBuffer buf;
    private final boolean nanos;
    private final int linkType;

    public PcapReader(Path file) throws IOException {
        buf = ByteBuffer.wrap(Files.readAllBytes(file));
        if (buf.remaining() < 24) {
            throw new IOException(file + " is not a pcap file: shorter than the 24-byte header");
        }
        int magic = buf.order(ByteOrder.LITTLE_ENDIAN).getInt(0);
        if (magic == 0xa1b2c3d4 || magic == 0xa1b23c4d) {
            buf.order(ByteOrder.LITTLE_ENDIAN);
        } else {
            buf.order(ByteOrder.BIG_ENDIAN);
            magic = buf.getInt(0);
            if (magic != 0xa1b2c3d4 && magic != 0xa1b23c4d) {
                throw new IOException(file + " is not a pcap file: magic " + Integer.toHexString(magic)
                        + ", expected a1b2c3d4 or a1b23c4d");
            }
        }
        nanos = magic == 0xa1b23c4d;
        linkType = buf.getInt(20);
        buf.position(24);
    }

    public int linkType() {
        return linkType;
    }

    public boolean nanos() {
        return nanos;
    }

    /** @return the next frame's captured bytes, or null at the end of the file */
    public byte[] next() throws IOException {
        if (buf.remaining() < 16) {
            return null;
        }
        buf.getInt();
        buf.getInt();
        int cap = buf.getInt();
        buf.getInt();
        if (cap < 0 || cap > buf.remaining()) {
            throw new IOException("truncated pcap record: " + cap + " bytes announced, " + buf.remaining() + " left");
        }
        byte[] f = new byte[cap];
        buf.get(f);
        return f;
    }

    public static List<byte[]> readAll(Path file) throws IOException {
        PcapReader r = new PcapReader(file);
        List<byte[]> l = new ArrayList<>();
        for (byte[] f; (f = r.next()) != null;) {
            l.add(f);
        }
        return l;
    }
}
