package org.srv6.appliance.core.internal.engine;

import io.netty.buffer.ByteBuf;

import org.srv6.appliance.api.behavior.DropReason;
import org.srv6.appliance.api.behavior.PacketContext;
import org.srv6.appliance.api.packet.Ethernet;
import org.srv6.appliance.api.packet.Icmp4;
import org.srv6.appliance.api.packet.Icmp6;
import org.srv6.appliance.api.packet.Ipv4;
import org.srv6.appliance.api.packet.Ipv6;
import org.srv6.appliance.core.internal.io.IoRuntime;

/**
 * ICMPv6 and ICMP error construction: counts the drop that causes the error, decides whether an
 * error may be sent about the packet at all (never about an error, a multicast or unspecified
 * source, a non-first fragment; per-port rate limit), builds it in a new frame quoting the
 * offending packet, frees that packet, and hands the error to the {@link Forwarder}.
 */
final class IcmpErrors {
    private IoRuntime rt;
    private Forwarder forwarder;

    void wire(Forwarder forwarder) {
        this.forwarder = forwarder;
    }

    void runtime(IoRuntime runtime) {
        this.rt = runtime;
    }

    /**
     * RFC 4443 §2.4: an ICMPv6 error about the packet at l3, from the ingress port's address, hop
     * limit 64, quoting as much as fits in 1280 bytes; rate-limited per port; never about an
     * ICMPv6 error or a packet from a multicast or unspecified source.
     */
    void icmp6(Loop s, Tables t, int type, int code, int param, DropReason reason) {
        PacketContext ctx = s.ctx;
        s.count(reason);
        ByteBuf b = ctx.buf;
        int l3 = ctx.l3;
        int end = b.writerIndex();
        if (end - l3 < Ipv6.LENGTH || Ipv6.version(b, l3) != 6) {
            s.release();
            return;
        }
        long shi = Ipv6.srcHi(b, l3);
        long slo = Ipv6.srcLo(b, l3);
        long dhi = Ipv6.dstHi(b, l3);
        if ((shi >>> 56) == 0xff || (shi == 0 && slo == 0)
                || ((dhi >>> 56) == 0xff && type != Icmp6.PACKET_TOO_BIG)) {
            s.release();
            return;
        }
        int[] nh = s.nh;
        int ul = LocalDelivery.upperLayer(b, l3, end, nh);
        if (ul >= 0 && nh[0] == Ipv6.PROTO_ICMPV6 && (ul >= end || Icmp6.isError(b.getUnsignedByte(ul)))) {
            s.release();
            return;
        }
        PortState in = t.port(ctx.inPort);
        if (in == null) {
            s.release();
            return;
        }
        if (!in.icmpLimit.tryAcquire()) {
            s.tally(DropReason.ICMP_RATE_LIMITED);
            s.release();
            return;
        }
        int quote = Math.min(end - l3, Icmp6.MIN_MTU - Ipv6.LENGTH - 8);
        ByteBuf e = rt.newFrame();
        int o = e.writerIndex() + Ethernet.LENGTH;
        e.writerIndex(o + Ipv6.LENGTH + 8 + quote);
        Ipv6.versionTcFlow(e, o, 0, 0);
        Ipv6.payloadLength(e, o, 8 + quote);
        Ipv6.nextHeader(e, o, Ipv6.PROTO_ICMPV6);
        Ipv6.hopLimit(e, o, 64);
        if (in.hi6.length > 0) {
            Ipv6.src(e, o, in.hi6[0], in.lo6[0]);
        } else {
            Ipv6.src(e, o, in.llHi, in.llLo);
        }
        Ipv6.dst(e, o, shi, slo);
        int icmp = o + Ipv6.LENGTH;
        e.setByte(icmp + Icmp6.TYPE, type);
        e.setByte(icmp + Icmp6.CODE, code);
        e.setShort(icmp + Icmp6.CHECKSUM, 0);
        e.setInt(icmp + Icmp6.PARAM, param);
        e.setBytes(icmp + 8, b, l3, quote);
        Icmp6.updateChecksum(e, o, icmp, 8 + quote);
        b.release();
        ctx.buf = e;
        ctx.l3 = o;
        e.readerIndex(o - Ethernet.LENGTH);
        forwarder.originate6(s, t);
    }

    /** RFC 1812 §4.3.2: an ICMP error about the IPv4 packet at l3, from the ingress port's address. */
    void icmp4(Loop s, Tables t, int type, int code, int param, DropReason reason) {
        PacketContext ctx = s.ctx;
        s.count(reason);
        ByteBuf b = ctx.buf;
        int l3 = ctx.l3;
        int end = b.writerIndex();
        if (end - l3 < Ipv4.MIN_LENGTH || Ipv4.version(b, l3) != 4) {
            s.release();
            return;
        }
        int src = Ipv4.src(b, l3);
        int ihl = Ipv4.headerLength(b, l3);
        if (src == 0 || src == -1 || (src >>> 28) == 0xe
                || (b.getUnsignedShort(l3 + Ipv4.FLAGS_FRAG) & 0x1fff) != 0) {
            s.release();
            return;
        }
        if (Ipv4.protocol(b, l3) == Ipv4.PROTO_ICMP && l3 + ihl < end) {
            int it = b.getUnsignedByte(l3 + ihl);
            if (it != Icmp4.ECHO_REQUEST && it != Icmp4.ECHO_REPLY) {
                s.release();
                return;
            }
        }
        PortState in = t.port(ctx.inPort);
        if (in == null || in.addr4.length == 0) {
            s.release();
            return;
        }
        if (!in.icmpLimit.tryAcquire()) {
            s.tally(DropReason.ICMP_RATE_LIMITED);
            s.release();
            return;
        }
        int quote = Math.min(end - l3, 576 - 28);
        ByteBuf e = rt.newFrame();
        int o = e.writerIndex() + Ethernet.LENGTH;
        e.writerIndex(o + 28 + quote);
        e.setByte(o, 0x45);
        e.setByte(o + Ipv4.TOS, 0);
        e.setShort(o + Ipv4.TOTAL_LENGTH, 28 + quote);
        e.setShort(o + Ipv4.ID, 0);
        e.setShort(o + Ipv4.FLAGS_FRAG, 0);
        e.setByte(o + Ipv4.TTL, 64);
        e.setByte(o + Ipv4.PROTOCOL, Ipv4.PROTO_ICMP);
        Ipv4.src(e, o, in.addr4[0]);
        Ipv4.dst(e, o, src);
        Ipv4.updateChecksum(e, o);
        int icmp = o + 20;
        e.setByte(icmp + Icmp4.TYPE, type);
        e.setByte(icmp + Icmp4.CODE, code);
        e.setShort(icmp + Icmp4.CHECKSUM, 0);
        e.setInt(icmp + Icmp4.PARAM, type == Icmp4.PARAMETER_PROBLEM ? param << 24 : param & 0xffff);
        e.setBytes(icmp + 8, b, l3, quote);
        Icmp4.updateChecksum(e, icmp, 8 + quote);
        b.release();
        ctx.buf = e;
        ctx.l3 = o;
        e.readerIndex(o - Ethernet.LENGTH);
        forwarder.originate4(s, t);
    }
}
