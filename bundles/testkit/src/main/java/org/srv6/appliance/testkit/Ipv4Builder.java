package org.srv6.appliance.testkit;

import static org.srv6.appliance.testkit.Packets.*;

/** An IPv4 header without options and an upper layer. */
public final class Ipv4Builder extends L3Builder<Ipv4Builder> {
    private final int src;
    private final int dst;
    private int tos;
    private int id;
    private int flagsFrag;
    private int ttl = 64;
    private int protocol = -1;
    private int totalLength = -1;
    private int checksum = -1;
    private int versionIhl = 0x45;

    Ipv4Builder(int src, int dst) {
        this.src = src;
        this.dst = dst;
    }

    @Override
    Ipv4Builder self() {
        return this;
    }

    public Ipv4Builder ttl(int v) {
        ttl = v;
        return this;
    }

    /** Type of service (DSCP and ECN). */
    public Ipv4Builder tos(int v) {
        tos = v;
        return this;
    }

    public Ipv4Builder id(int v) {
        id = v;
        return this;
    }

    /** Flags and fragment offset, e.g. 0x4000 for DF. */
    public Ipv4Builder flagsFrag(int v) {
        flagsFrag = v;
        return this;
    }

    /** Overrides the Protocol field (otherwise the upper layer's). */
    public Ipv4Builder protocol(int v) {
        protocol = v;
        return this;
    }

    /** Overrides the Total Length (otherwise header + payload). */
    public Ipv4Builder totalLength(int v) {
        totalLength = v;
        return this;
    }

    /** Overrides the header checksum (otherwise computed). */
    public Ipv4Builder checksum(int v) {
        checksum = v;
        return this;
    }

    /** Overrides the version/IHL octet (bad input; the header stays 20 bytes). */
    public Ipv4Builder versionIhl(int v) {
        versionIhl = v;
        return this;
    }

    /** ICMP type/code, then {@code rest}. */
    public Ipv4Builder icmp(int type, int code, byte[] rest) {
        upper(PROTO_ICMP, b -> icmp4(type, code, rest));
        return this;
    }

    public Ipv4Builder icmpEchoRequest(int id, int seq, byte[] data) {
        return icmp(8, 0, cat(u16(id), u16(seq), data));
    }

    @Override
    byte[] srcBytes() {
        return u32(src);
    }

    @Override
    byte[] checksumDst() {
        return u32(dst);
    }

    @Override
    public byte[] bytes() {
        byte[] up = upperBytes();
        int p = protocol >= 0 ? protocol : proto;
        byte[] h = cat(Packets.bytes(versionIhl, tos), u16(totalLength >= 0 ? totalLength : 20 + up.length), u16(id),
                u16(flagsFrag), Packets.bytes(ttl, p, 0, 0), u32(src), u32(dst));
        put16(h, 10, checksum >= 0 ? checksum : Packets.checksum(h, 0, 20));
        return cat(h, up);
    }

    @Override
    public byte[] frame(String dstMac, String srcMac) {
        return ethernet(dstMac, srcMac, ETH_IPV4, bytes());
    }
}
