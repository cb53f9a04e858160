package org.srv6.appliance.api.behavior;

import io.netty.buffer.ByteBuf;

/**
 * The packet being processed and the verdict's details. One instance per event loop, reused
 * for every packet: nothing here allocates.
 *
 * <p>The frame occupies {@code buf.readerIndex() .. buf.writerIndex()}; the core guarantees
 * at least {@link #HEADROOM} writable bytes before the reader index so that headers can be
 * pushed in place. {@link #l3} is the absolute index of the IPv6/IPv4 header (the Ethernet
 * header, 14 bytes, sits right before it on input; the core rewrites it on output).
 */
public final class PacketContext {
    /**
     * Bytes the core keeps free before a received frame for pushed headers: the largest header
     * the configuration accepts (an outer IPv6 header and an SRH of 127 segments, or of 125 with
     * an HMAC TLV: 2088 bytes) and a new Ethernet header fit, with room for a smaller second push.
     */
    public static final int HEADROOM = 2560;

    /** The frame; its reader index is the first byte of the Ethernet header. */
    public ByteBuf buf;
    /** Absolute index of the L3 header. */
    public int l3;
    /** Index of the port the frame came in on. */
    public int inPort;
    /** The table the ingress lookup used (254 unless the port is bound elsewhere). */
    public int inTable = 254;

    /** FORWARD: table to look the destination up in (FORWARD_NH6/NH4: the next hop, when outPort is -1). */
    public int table;
    /** FORWARD_NH6: IPv6 next hop. */
    public final byte[] nextHop6 = new byte[16];
    /** FORWARD_NH4: IPv4 next hop. */
    public int nextHop4;
    /** FORWARD_NH6/NH4/L2_OUT: output port, or -1 to take it from the route to the next hop. */
    public int outPort = -1;
    /** L2_NH6/L2_NH4: the Ethernet type of what is at l3 (e.g. 0x8847 for MPLS). */
    public int etherType;
    /** DROP/ICMP_ERROR: why. */
    public DropReason dropReason = DropReason.NONE;
    /** ICMP_ERROR: type, code and parameter (pointer or MTU). */
    public int icmpType;
    public int icmpCode;
    public int icmpParam;
    /**
     * Route lookups for behaviors that decide on a route (End.S); set by the core for its event
     * loop and left alone by {@link #reset}. Never null.
     */
    public RouteLookup routes = RouteLookup.NONE;
    /**
     * {@link BehaviorInstance#processReturn}: true when the core hands over the whole Ethernet frame
     * (from the reader index; l3 is 14 bytes further) because it was not addressed to the port's own
     * MAC address (another unicast address, or a group address the appliance does not answer
     * itself) or is not IP: what an L2 service sends back. False for an IP packet to the port's
     * MAC. Kept by the core across {@link #reset} for that call; cleared by reset otherwise.
     */
    public boolean wholeFrame;

    /** Resets the verdict fields before a packet is handed to an instance. */
    public void reset(ByteBuf frame, int l3Index, int port, int ingressTable) {
        this.buf = frame;
        this.l3 = l3Index;
        this.inPort = port;
        this.inTable = ingressTable;
        this.table = ingressTable;
        this.outPort = -1;
        this.etherType = 0;
        this.dropReason = DropReason.NONE;
        this.icmpType = 0;
        this.icmpCode = 0;
        this.icmpParam = 0;
        this.wholeFrame = false;
    }

    /** @return bytes from l3 to the end of the frame */
    public int l3Length() {
        return buf.writerIndex() - l3;
    }

    /** Sets a DROP verdict. */
    public Verdict drop(DropReason reason) {
        this.dropReason = reason;
        return Verdict.DROP;
    }

    /** Sets an ICMP_ERROR verdict (the packet is dropped and counted under {@code reason}). */
    public Verdict icmpError(int type, int code, int param, DropReason reason) {
        this.icmpType = type;
        this.icmpCode = code;
        this.icmpParam = param;
        this.dropReason = reason;
        return Verdict.ICMP_ERROR;
    }

    /** Sets a FORWARD verdict in {@code tableId}. */
    public Verdict forward(int tableId) {
        this.table = tableId;
        return Verdict.FORWARD;
    }

    /**
     * Makes room for {@code n} bytes in front of l3 (encapsulation): moves the reader index and
     * l3 back by n, keeping 14 bytes for the Ethernet header before the new l3.
     *
     * @return false when there is no headroom left (the caller drops with NO_HEADROOM)
     */
    public boolean pushFront(int n) {
        int newL3 = l3 - n;
        if (newL3 - 14 < 0) {
            return false;
        }
        l3 = newL3;
        buf.readerIndex(newL3 - 14);
        return true;
    }

    /**
     * Opens a gap of {@code n} bytes right after the first {@code keep} bytes at l3 (insertion of
     * an extension header after the IPv6 header): those bytes move n earlier, l3 moves with them.
     *
     * @return false when there is no headroom left
     */
    public boolean openGap(int keep, int n) {
        int newL3 = l3 - n;
        if (newL3 - 14 < 0) {
            return false;
        }
        buf.setBytes(newL3, buf, l3, keep);
        l3 = newL3;
        buf.readerIndex(newL3 - 14);
        return true;
    }

    /**
     * Removes {@code n} bytes that follow the first {@code keep} bytes at l3 (removal of an
     * extension header, e.g. PSP): the first {@code keep} bytes move n later.
     */
    public void closeGap(int keep, int n) {
        buf.setBytes(l3 + n, buf, l3, keep);
        l3 += n;
        buf.readerIndex(l3 - 14);
    }

    /** Drops everything before {@code newL3} (decapsulation): the header at newL3 becomes l3. */
    public void stripTo(int newL3) {
        l3 = newL3;
        buf.readerIndex(newL3 - 14);
    }
}
