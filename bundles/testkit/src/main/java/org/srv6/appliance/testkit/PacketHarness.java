package org.srv6.appliance.testkit;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;

import org.srv6.appliance.api.behavior.PacketContext;

/**
 * A packet as the core hands it to {@code process}: a direct buffer with
 * {@link PacketContext#HEADROOM} free bytes, a 14-byte Ethernet header, the L3 packet and some
 * tailroom, and a {@link PacketContext} reset on it (input port 0, table 254). One buffer at a
 * time; {@link #close()} (or the next {@link #load}) releases it.
 */
public final class PacketHarness implements AutoCloseable {
    /** Reused for every packet, as on an event loop. */
    public final PacketContext ctx = new PacketContext();
    private ByteBuf buf;

    /** Loads an L3 packet, with 64 bytes of tailroom, and resets {@link #ctx} on it. */
    public PacketContext load(byte[] l3) {
        return load(l3, 64);
    }

    /**
     * Loads an L3 packet followed by {@code tailroom} bytes of capacity; with none, a read past the
     * frame's end throws instead of reading stale bytes.
     */
    public PacketContext load(byte[] l3, int tailroom) {
        release();
        buf = Unpooled.directBuffer(PacketContext.HEADROOM + 14 + l3.length + tailroom,
                PacketContext.HEADROOM + 14 + l3.length + tailroom);
        buf.writerIndex(PacketContext.HEADROOM);
        buf.readerIndex(PacketContext.HEADROOM);
        buf.writeZero(14);
        buf.writeBytes(l3);
        ctx.reset(buf, PacketContext.HEADROOM + 14, 0, 254);
        return ctx;
    }

    /**
     * Loads a whole Ethernet frame (header included) as a port receives it: the reader index at its
     * first byte, {@link PacketContext#l3} 14 bytes further, 64 bytes of tailroom.
     */
    public PacketContext loadFrame(byte[] frame) {
        load(Packets.slice(frame, 14, frame.length - 14));
        buf.setBytes(PacketContext.HEADROOM, frame, 0, 14);
        return ctx;
    }

    public PacketContext load(String l3Hex) {
        return load(Packets.unhex(l3Hex));
    }

    public PacketContext load(L3Builder<?> packet) {
        return load(packet.bytes());
    }

    /** @return the buffer of the loaded packet */
    public ByteBuf buf() {
        return buf;
    }

    /** @return the hex of everything from {@code ctx.l3} to the writer index */
    public String l3Hex() {
        return ByteBufUtil.hexDump(buf, ctx.l3, buf.writerIndex() - ctx.l3);
    }

    /** @return the bytes from {@code ctx.l3} to the writer index */
    public byte[] l3() {
        return ByteBufUtil.getBytes(buf, ctx.l3, buf.writerIndex() - ctx.l3);
    }

    /** @return the hex of {@code length} bytes at {@code offset} from {@code ctx.l3} */
    public String hexAt(int offset, int length) {
        return ByteBufUtil.hexDump(buf, ctx.l3 + offset, length);
    }

    /** Releases the loaded buffer, if any. */
    public void release() {
        if (buf != null && buf.refCnt() > 0) {
            buf.release();
        }
        buf = null;
    }

    @Override
    public void close() {
        release();
    }
}
