package org.srv6.appliance.testkit;

import static org.srv6.appliance.testkit.Packets.*;

import java.util.function.Function;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/** Common end of the IPv6 and IPv4 builders: the upper layer and the output forms. */
public abstract class L3Builder<B extends L3Builder<B>> {
    int proto = PROTO_NONE;
    byte[] upper = new byte[0];
    /** Builds the upper layer once the final addresses are known (checksums). */
    private Function<L3Builder<B>, byte[]> pending;

    abstract B self();

    abstract byte[] srcBytes();

    /** @return the destination the upper-layer checksum is computed over */
    abstract byte[] checksumDst();

    /** Raw payload of protocol {@code protocol} (no checksum computed). */
    public B payload(int protocol, byte[] data) {
        this.proto = protocol;
        this.upper = data.clone();
        this.pending = null;
        return self();
    }

    /** UDP with its checksum over this packet's addresses. */
    public B udp(int sport, int dport, byte[] data) {
        this.proto = PROTO_UDP;
        this.pending = b -> Packets.udp(b.srcBytes(), b.checksumDst(), sport, dport, data);
        return self();
    }

    /** An inner IPv6 packet (next header 41). */
    public B ipv6(Ipv6Builder inner) {
        return payload(PROTO_IPV6, inner.bytes());
    }

    /** An inner IPv4 packet (next header 4). */
    public B ipv4(Ipv4Builder inner) {
        return payload(PROTO_IPV4, inner.bytes());
    }

    void upper(int protocol, Function<L3Builder<B>, byte[]> build) {
        this.proto = protocol;
        this.pending = build;
    }

    byte[] upperBytes() {
        return pending == null ? upper : pending.apply(this);
    }

    /** @return the packet from its L3 header on */
    public abstract byte[] bytes();

    public String hex() {
        return Packets.hex(bytes());
    }

    /** @return a heap buffer holding the packet (the caller releases it) */
    public ByteBuf buf() {
        return Unpooled.wrappedBuffer(bytes());
    }

    /** @return the packet in an Ethernet frame of the matching ethertype */
    public abstract byte[] frame(String dstMac, String srcMac);
}
