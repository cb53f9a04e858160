package org.srv6.appliance.testkit;

import static org.srv6.appliance.testkit.Packets.*;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.IntFunction;

/** An IPv6 header, its extension headers in order, and an upper layer. */
public final class Ipv6Builder extends L3Builder<Ipv6Builder> {
    private final byte[] src;
    private final byte[] dst;
    private int trafficClass;
    private int flowLabel;
    private int hopLimit = 64;
    private int version = 6;
    private int nextHeader = -1;
    private int payloadLength = -1;
    /** Extension headers: each a function of the next header that follows it. */
    private final List<Ext> ext = new ArrayList<>();

    /** An extension header of {@code type}, rendered once the next header is known. */
    private record Ext(int type, IntFunction<byte[]> render) {
    }

    Ipv6Builder(byte[] src, byte[] dst) {
        this.src = src;
        this.dst = dst;
    }

    @Override
    Ipv6Builder self() {
        return this;
    }

    public Ipv6Builder hopLimit(int v) {
        hopLimit = v;
        return this;
    }

    public Ipv6Builder trafficClass(int v) {
        trafficClass = v;
        return this;
    }

    public Ipv6Builder flowLabel(int v) {
        flowLabel = v;
        return this;
    }

    /** Overrides the version nibble (bad input). */
    public Ipv6Builder version(int v) {
        version = v;
        return this;
    }

    /** Overrides the header's Next Header (otherwise the first extension or the upper layer). */
    public Ipv6Builder nextHeader(int v) {
        nextHeader = v;
        return this;
    }

    /** Overrides the Payload Length (otherwise what follows the header). */
    public Ipv6Builder payloadLength(int v) {
        payloadLength = v;
        return this;
    }

    /** An SRH with {@code segmentsLeft} over {@code path}, given first segment first (as iproute2's {@code segs}). */
    public Ipv6Builder srh(int segmentsLeft, String... path) {
        return srh(Packets.srh(segmentsLeft).path(path));
    }

    public Ipv6Builder srh(SrhBuilder s) {
        ext.add(new Ext(PROTO_ROUTING, s::bytes));
        return this;
    }

    /**
     * A Hop-by-Hop (0) or Destination Options (60) header holding {@code options}, padded
     * with PadN (or Pad1) options to a multiple of 8 bytes.
     */
    public Ipv6Builder options(int type, byte[] options) {
        int len = 2 + options.length;
        int pad = (8 - len % 8) % 8;
        // Pad1 is option type 0, PadN type 1 (RFC 8200 §4.2); the SRH's PadN TLV is type 4.
        byte[] body = cat(options, pad == 0 ? new byte[0] : pad == 1 ? new byte[1] : cat(Packets.bytes(1, pad - 2), new byte[pad - 2]));
        ext.add(new Ext(type, next -> cat(Packets.bytes(next, (2 + body.length) / 8 - 1), body)));
        return this;
    }

    /** Any extension header given whole; its first byte is set to the next header. */
    public Ipv6Builder extension(int type, byte[] header) {
        ext.add(new Ext(type, next -> {
            byte[] h = header.clone();
            h[0] = (byte) next;
            return h;
        }));
        return this;
    }

    /** ICMPv6 type/code, then {@code body}, checksum over the source and the final destination. */
    public Ipv6Builder icmpv6(int type, int code, byte[] body) {
        upper(PROTO_ICMPV6, b -> Packets.icmpv6(type, code, src, checksumDst(), body));
        return this;
    }

    public Ipv6Builder icmpEchoRequest(int id, int seq, byte[] data) {
        return icmpv6(128, 0, cat(u16(id), u16(seq), data));
    }

    public Ipv6Builder icmpEchoReply(int id, int seq, byte[] data) {
        return icmpv6(129, 0, cat(u16(id), u16(seq), data));
    }

    /** ICMPv6 error with its 32-bit parameter and the quoted packet. */
    public Ipv6Builder icmpv6Error(int type, int code, long parameter, byte[] quoted) {
        return icmpv6(type, code, cat(u32((int) parameter), quoted));
    }

    @Override
    byte[] srcBytes() {
        return src;
    }

    /** RFC 8200 §8.1: the final destination, Segment List[0] of an SRH that is not yet done. */
    @Override
    byte[] checksumDst() {
        for (Ext e : ext) {
            if (e.type() == PROTO_ROUTING) {
                byte[] h = e.render().apply(0);
                if (h.length >= 24 && h[3] != 0) {
                    return Arrays.copyOfRange(h, 8, 24);
                }
            }
        }
        return dst;
    }

    @Override
    public byte[] bytes() {
        byte[] up = upperBytes();
        byte[] rest = up;
        int next = proto;
        for (int i = ext.size() - 1; i >= 0; i--) {
            rest = cat(ext.get(i).render().apply(next), rest);
            next = ext.get(i).type();
        }
        int nh = nextHeader >= 0 ? nextHeader : next;
        int plen = payloadLength >= 0 ? payloadLength : rest.length;
        return cat(u32(version << 28 | (trafficClass & 0xff) << 20 | (flowLabel & 0xfffff)), u16(plen),
                Packets.bytes(nh, hopLimit), src, dst, rest);
    }

    @Override
    public byte[] frame(String dstMac, String srcMac) {
        return ethernet(dstMac, srcMac, ETH_IPV6, bytes());
    }
}
