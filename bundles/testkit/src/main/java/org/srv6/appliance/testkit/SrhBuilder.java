package org.srv6.appliance.testkit;

import static org.srv6.appliance.testkit.Packets.*;

import java.util.ArrayList;
import java.util.List;

/** A Segment Routing Header (RFC 8754). */
public final class SrhBuilder {
    private final int segmentsLeft;
    private final List<byte[]> list0First = new ArrayList<>();
    private int lastEntry = -1;
    private int flags;
    private int tag;
    private int routingType = 4;
    private int hdrExtLen = -1;
    private int nextHeader = -1;
    private byte[] tlvs = new byte[0];

    SrhBuilder(int segmentsLeft) {
        this.segmentsLeft = segmentsLeft;
    }

    /** The segments first segment first, as iproute2's {@code segs}: stored in reverse. */
    public SrhBuilder path(String... firstFirst) {
        list0First.clear();
        for (int i = firstFirst.length - 1; i >= 0; i--) {
            list0First.add(ip6(firstFirst[i]));
        }
        return this;
    }

    /** The segments in the header's order: Segment List[0] (the last segment) first. */
    public SrhBuilder segments(String... list0) {
        list0First.clear();
        for (String s : list0) {
            list0First.add(ip6(s));
        }
        return this;
    }

    /** Overrides Last Entry (otherwise the number of segments - 1). */
    public SrhBuilder lastEntry(int v) {
        lastEntry = v;
        return this;
    }

    public SrhBuilder flags(int v) {
        flags = v;
        return this;
    }

    public SrhBuilder tag(int v) {
        tag = v;
        return this;
    }

    /** Overrides the Routing Type (4 = SRH). */
    public SrhBuilder routingType(int v) {
        routingType = v;
        return this;
    }

    /** Overrides Hdr Ext Len (otherwise computed; TLVs must then fill a multiple of 8 bytes). */
    public SrhBuilder hdrExtLen(int v) {
        hdrExtLen = v;
        return this;
    }

    /** Overrides Next Header (otherwise what follows in the packet). */
    public SrhBuilder nextHeader(int v) {
        nextHeader = v;
        return this;
    }

    /** Appends TLV bytes after the segment list (e.g. {@link Packets#padN}). */
    public SrhBuilder tlvs(byte[]... t) {
        tlvs = cat(tlvs, cat(t));
        return this;
    }

    /** @return the header with {@code next} as its Next Header unless overridden */
    public byte[] bytes(int next) {
        int len = 8 + 16 * list0First.size() + tlvs.length;
        if (hdrExtLen < 0 && len % 8 != 0) {
            throw new IllegalArgumentException("SRH length " + len + " is not a multiple of 8; pad the TLVs");
        }
        byte[] segs = new byte[16 * list0First.size()];
        for (int i = 0; i < list0First.size(); i++) {
            System.arraycopy(list0First.get(i), 0, segs, 16 * i, 16);
        }
        return cat(Packets.bytes(nextHeader >= 0 ? nextHeader : next, hdrExtLen >= 0 ? hdrExtLen : len / 8 - 1,
                routingType, segmentsLeft, lastEntry >= 0 ? lastEntry : list0First.size() - 1, flags),
                u16(tag), segs, tlvs);
    }
}
