package org.srv6.appliance.core.internal.engine;

import io.netty.buffer.ByteBuf;

import org.srv6.appliance.api.behavior.DropReason;
import org.srv6.appliance.api.behavior.PacketContext;
import org.srv6.appliance.api.packet.Arp;
import org.srv6.appliance.api.packet.Checksum;
import org.srv6.appliance.api.packet.Ethernet;
import org.srv6.appliance.api.packet.Icmp4;
import org.srv6.appliance.api.packet.Icmp6;
import org.srv6.appliance.api.packet.Ipv4;
import org.srv6.appliance.api.packet.Ipv6;
import org.srv6.appliance.api.packet.Srh;

/**
 * The appliance's own upper layer: packets for its addresses and SIDs (echo answered, NDP
 * solicitations answered and advertisements learned, UDP refused, RFC 8986 §4.1.1 for a SID),
 * link-scope multicast, and ARP. Replies are written over the request and leave through the
 * {@link Forwarder}; what a neighbor message teaches goes to the {@link NeighborResolver}. On a
 * port mirrored into a control namespace ({@code srv6:lcp}) what is not answered here is punted
 * to the mirror instead of dropped or refused, and NDP/ARP go there as a copy too ({@link Punt}).
 */
final class LocalDelivery {
    static final long MAC_ALL_NODES = 0x3333_0000_0001L;

    private Forwarder forwarder;
    private NeighborResolver resolver;
    private IcmpErrors errors;
    private Punt punt;

    void punt(Punt p) {
        this.punt = p;
    }

    void wire(Forwarder forwarder, NeighborResolver resolver, IcmpErrors errors) {
        this.forwarder = forwarder;
        this.resolver = resolver;
        this.errors = errors;
    }

    /** @return the index of the upper-layer header of the IPv6 packet at l3, or -1 when truncated; sets {@code nhOut[0]} */
    static int upperLayer(ByteBuf b, int l3, int end, int[] nhOut) {
        int nh = Ipv6.nextHeader(b, l3);
        int p = l3 + Ipv6.LENGTH;
        while (Ipv6.isExtensionHeader(nh) && nh != Ipv6.PROTO_FRAGMENT) {
            if (p + 2 > end) {
                return -1;
            }
            int next = b.getUnsignedByte(p);
            // AH counts 4-octet units minus 2 (RFC 4302 §2.2); the others 8-octet units minus 1
            p += nh == 51 ? 4 * (b.getUnsignedByte(p + 1) + 2) : 8 + 8 * b.getUnsignedByte(p + 1);
            nh = next;
        }
        if (p > end) {
            return -1;
        }
        nhOut[0] = nh;
        return p;
    }

    /**
     * The appliance's own upper layer for the IPv6 packet at l3: echo and NDP for its addresses;
     * with {@code fromSid} the RFC 8986 §4.1.1 rule (SPEC D2): echo answered from the SID, any
     * other upper layer gets Parameter Problem code 4 pointing at it.
     */
    void local6(Loop s, Tables t, boolean fromSid) {
        PacketContext ctx = s.ctx;
        ByteBuf b = ctx.buf;
        int l3 = ctx.l3;
        int end = b.writerIndex();
        int[] nh = s.nh;
        int ul = upperLayer(b, l3, end, nh);
        if (ul < 0) {
            s.drop(DropReason.TRUNCATED);
            return;
        }
        if (!fromSid && ul > l3 + Ipv6.LENGTH) {
            // Linux with seg6_enabled off: an SRH with segments left is not for this node's upper layer
            int srh = Srh.locate(b, l3, end);
            if (srh >= 0 && Srh.segmentsLeft(b, srh) > 0) {
                s.drop(DropReason.SL_NOT_ZERO);
                return;
            }
        }
        if (nh[0] == Ipv6.PROTO_ICMPV6 && ul + 8 <= end) {
            if (Checksum.upperLayer6(b, l3, ul, end - ul, Ipv6.PROTO_ICMPV6) != 0) {
                s.drop(DropReason.BAD_CHECKSUM); // RFC 4443 §2.4: silently discarded
                return;
            }
            int type = Icmp6.type(b, ul);
            if (type == Icmp6.ECHO_REQUEST) {
                echoReply6(s, t, ul);
                return;
            }
            if (!fromSid && ul == l3 + Ipv6.LENGTH) {
                if (type == Icmp6.NEIGHBOR_SOLICITATION) {
                    PortState p = t.port(ctx.inPort);
                    if (p != null) {
                        punt.copy(s); // the control plane's kernel learns its neighbors too
                        neighborSolicitation(s, p);
                        return;
                    }
                } else if (type == Icmp6.NEIGHBOR_ADVERTISEMENT) {
                    punt.copy(s);
                    neighborAdvertisement(s);
                    return;
                }
            }
        }
        if (fromSid) {
            errors.icmp6(s, t, Icmp6.PARAMETER_PROBLEM, Icmp6.PARAM_SR_UPPER_LAYER, ul - l3, DropReason.UPPER_LAYER);
        } else if (punt.whole(s)) {
            return; // OSPFv3, BGP, echo replies, errors … for the control plane's sessions
        } else if (nh[0] == Ipv6.PROTO_UDP) {
            errors.icmp6(s, t, Icmp6.DEST_UNREACHABLE, Icmp6.UNREACH_PORT, 0, DropReason.UPPER_LAYER);
        } else {
            s.drop(DropReason.UPPER_LAYER);
        }
    }

    /** Link-scope multicast: NDP, and echo to all-nodes; the rest is not for the appliance. */
    void multicast6(Loop s, Tables t, PortState p) {
        PacketContext ctx = s.ctx;
        ByteBuf b = ctx.buf;
        int l3 = ctx.l3;
        int ul = l3 + Ipv6.LENGTH;
        int end = b.writerIndex();
        if (Ipv6.nextHeader(b, l3) == Ipv6.PROTO_ICMPV6 && ul + 8 <= end) {
            if (Checksum.upperLayer6(b, l3, ul, end - ul, Ipv6.PROTO_ICMPV6) != 0) {
                s.drop(DropReason.BAD_CHECKSUM);
                return;
            }
            int type = Icmp6.type(b, ul);
            if (type == Icmp6.NEIGHBOR_SOLICITATION) {
                punt.copy(s);
                neighborSolicitation(s, p);
                return;
            }
            if (type == Icmp6.NEIGHBOR_ADVERTISEMENT) {
                punt.copy(s);
                neighborAdvertisement(s);
                return;
            }
            if (type == Icmp6.ECHO_REQUEST && Ipv6.dstHi(b, l3) == 0xff02_0000_0000_0000L
                    && Ipv6.dstLo(b, l3) == 1) {
                // all-nodes echo: answer from the link-local address, like a host would
                echoReply6From(s, t, ul, p.llHi, p.llLo);
                return;
            }
        }
        if (!punt.whole(s)) { // router solicitations/advertisements, OSPFv3 (ff02::5, ff02::6) …
            s.drop(DropReason.NOT_FOR_US);
        }
    }

    /** RFC 4861 §7.2.3-7.2.4: answer a solicitation for one of the port's addresses. */
    private void neighborSolicitation(Loop s, PortState p) {
        PacketContext ctx = s.ctx;
        ByteBuf b = ctx.buf;
        int l3 = ctx.l3;
        int end = b.writerIndex();
        int icmp = l3 + Ipv6.LENGTH;
        if (icmp + 24 > end || Ipv6.hopLimit(b, l3) != 255 || Icmp6.code(b, icmp) != 0) {
            s.drop(DropReason.NOT_FOR_US);
            return;
        }
        long thi = b.getLong(icmp + 8);
        long tlo = b.getLong(icmp + 16);
        if (!p.owns6(thi, tlo)) {
            s.drop(DropReason.NOT_FOR_US);
            return;
        }
        long shi = Ipv6.srcHi(b, l3);
        long slo = Ipv6.srcLo(b, l3);
        boolean unspecified = shi == 0 && slo == 0;
        long requester = Ethernet.srcMac(b, l3 - Ethernet.LENGTH);
        boolean option = false;
        for (int o = icmp + 24; o + 8 <= end;) {
            int len = b.getUnsignedByte(o + 1) * 8;
            if (len == 0) {
                break;
            }
            if (b.getUnsignedByte(o) == Icmp6.OPT_SOURCE_LLADDR && len >= 8) {
                requester = getMac(b, o + 2);
                option = true;
            }
            o += len;
        }
        if (!Solicitation.unicastMac(requester)) {
            s.drop(DropReason.NEIGHBOR_BAD_SENDER); // neither learnt nor answered: the answer would go to everyone
            return;
        }
        // RFC 4861 §7.2.3: only an on-link source with a link-layer option makes an entry; DAD none
        if (option && !unspecified && p.onLink6(shi, slo) && !p.owns6(shi, slo)) {
            resolver.learnStale(p.io.index(), shi, slo, requester, true);
        }
        // The advertisement is written over the solicitation.
        int flags = Icmp6.NA_ROUTER | Icmp6.NA_OVERRIDE | (unspecified ? 0 : Icmp6.NA_SOLICITED);
        b.writerIndex(icmp + 32);
        Ipv6.versionTcFlow(b, l3, 0, 0);
        Ipv6.payloadLength(b, l3, 32);
        Ipv6.nextHeader(b, l3, Ipv6.PROTO_ICMPV6);
        Ipv6.hopLimit(b, l3, 255);
        Ipv6.src(b, l3, thi, tlo);
        if (unspecified) {
            Ipv6.dst(b, l3, 0xff02_0000_0000_0000L, 1);
        } else {
            Ipv6.dst(b, l3, shi, slo);
        }
        b.setInt(icmp, Icmp6.NEIGHBOR_ADVERTISEMENT << 24);
        b.setInt(icmp + 4, flags << 24);
        b.setByte(icmp + 24, Icmp6.OPT_TARGET_LLADDR);
        b.setByte(icmp + 25, 1);
        setMac(b, icmp + 26, p.io.mac());
        Icmp6.updateChecksum(b, l3, icmp, 32);
        Forwarder.transmit(s, p, unspecified ? MAC_ALL_NODES : requester, Ethernet.TYPE_IPV6);
    }

    /** RFC 4861 §7.2.5: an advertisement updates the entry it answers (none is created). */
    private void neighborAdvertisement(Loop s) {
        PacketContext ctx = s.ctx;
        ByteBuf b = ctx.buf;
        int l3 = ctx.l3;
        int end = b.writerIndex();
        int icmp = l3 + Ipv6.LENGTH;
        if (icmp + 24 > end || Ipv6.hopLimit(b, l3) != 255) {
            s.drop(DropReason.NOT_FOR_US);
            return;
        }
        long thi = b.getLong(icmp + 8);
        long tlo = b.getLong(icmp + 16);
        int flags = b.getUnsignedByte(icmp + 4);
        long mac = Ethernet.srcMac(b, l3 - Ethernet.LENGTH);
        for (int o = icmp + 24; o + 8 <= end;) {
            int len = b.getUnsignedByte(o + 1) * 8;
            if (len == 0) {
                break;
            }
            if (b.getUnsignedByte(o) == Icmp6.OPT_TARGET_LLADDR && len >= 8) {
                mac = getMac(b, o + 2);
            }
            o += len;
        }
        if (!Solicitation.unicastMac(mac)) {
            s.drop(DropReason.NEIGHBOR_BAD_SENDER);
            return;
        }
        int port = ctx.inPort;
        s.release();
        resolver.advertised(port, thi, tlo, mac, (flags & Icmp6.NA_SOLICITED) != 0, (flags & Icmp6.NA_OVERRIDE) != 0,
                false);
    }

    private void echoReply6(Loop s, Tables t, int ul) {
        ByteBuf b = s.ctx.buf;
        int l3 = s.ctx.l3;
        echoReply6From(s, t, ul, Ipv6.dstHi(b, l3), Ipv6.dstLo(b, l3));
    }

    /** Turns the echo request at {@code ul} into a reply from hi:lo, written over the request. */
    private void echoReply6From(Loop s, Tables t, int ul, long fromHi, long fromLo) {
        PacketContext ctx = s.ctx;
        ByteBuf b = ctx.buf;
        int l3 = ctx.l3;
        long shi = Ipv6.srcHi(b, l3);
        long slo = Ipv6.srcLo(b, l3);
        if ((shi >>> 56) == 0xff || (shi == 0 && slo == 0)) {
            s.drop(DropReason.BAD_IP_HEADER);
            return;
        }
        int tc = Ipv6.trafficClass(b, l3);
        int len = b.writerIndex() - ul;
        int nl3 = ul - Ipv6.LENGTH;
        Ipv6.versionTcFlow(b, nl3, tc, 0);
        Ipv6.payloadLength(b, nl3, len);
        Ipv6.nextHeader(b, nl3, Ipv6.PROTO_ICMPV6);
        Ipv6.hopLimit(b, nl3, 64);
        Ipv6.src(b, nl3, fromHi, fromLo);
        Ipv6.dst(b, nl3, shi, slo);
        b.setByte(ul + Icmp6.TYPE, Icmp6.ECHO_REPLY);
        Icmp6.updateChecksum(b, nl3, ul, len);
        ctx.l3 = nl3;
        b.readerIndex(nl3 - Ethernet.LENGTH);
        forwarder.originate6(s, t);
    }

    /** The appliance's own IPv4 upper layer: echo answered, UDP refused (port unreachable). */
    void local4(Loop s, Tables t) {
        PacketContext ctx = s.ctx;
        ByteBuf b = ctx.buf;
        int l3 = ctx.l3;
        int ihl = Ipv4.headerLength(b, l3);
        int end = b.writerIndex();
        int proto = Ipv4.protocol(b, l3);
        if (proto == Ipv4.PROTO_ICMP && l3 + ihl + 8 <= end && Icmp4.type(b, l3 + ihl) == Icmp4.ECHO_REQUEST) {
            int src = Ipv4.src(b, l3);
            int dst = Ipv4.dst(b, l3);
            Ipv4.src(b, l3, dst);
            Ipv4.dst(b, l3, src);
            b.setByte(l3 + Ipv4.TTL, 64);
            b.setShort(l3 + Ipv4.FLAGS_FRAG, 0);
            Ipv4.updateChecksum(b, l3);
            b.setByte(l3 + ihl + Icmp4.TYPE, Icmp4.ECHO_REPLY);
            Icmp4.updateChecksum(b, l3 + ihl, end - l3 - ihl);
            forwarder.originate4(s, t);
            return;
        }
        if (punt.whole(s)) {
            return;
        }
        if (proto == Ipv4.PROTO_UDP) {
            errors.icmp4(s, t, Icmp4.DEST_UNREACHABLE, 3, 0, DropReason.UPPER_LAYER);
            return;
        }
        s.drop(DropReason.UPPER_LAYER);
    }

    /**
     * RFC 826: answers a request for one of the port's addresses and learns its sender; any other
     * ARP packet only refreshes an entry that exists.
     */
    void arpIn(Loop s, PortState p) {
        PacketContext ctx = s.ctx;
        ByteBuf b = ctx.buf;
        int a = ctx.l3;
        if (b.writerIndex() - a < Arp.LENGTH) {
            s.drop(DropReason.TRUNCATED);
            return;
        }
        if (!Arp.isEthernetIpv4(b, a)) {
            s.drop(DropReason.BAD_IP_HEADER);
            return;
        }
        punt.copy(s); // the control plane's kernel keeps its own ARP cache
        int op = Arp.oper(b, a);
        int spa = Arp.senderIp(b, a);
        long sha = Arp.senderMac(b, a);
        int tpa = Arp.targetIp(b, a);
        int port = p.io.index();
        if (!Solicitation.unicastMac(sha)) {
            s.drop(DropReason.NEIGHBOR_BAD_SENDER); // a zero or group sender MAC would cut the host off
            return;
        }
        // only a sender in one of the port's subnets is learnt (off-subnet ones are still answered)
        boolean onLink = spa != 0 && p.onLink4(spa) && !p.owns4(spa);
        if (p.owns4(tpa)) {
            if (onLink && op == Arp.REQUEST) {
                resolver.learnStale(port, Neighbor.V4, spa & 0xffff_ffffL, sha, true);
            } else if (onLink) {
                resolver.learn(port, Neighbor.V4, spa & 0xffff_ffffL, sha, true);
            }
            if (op == Arp.REQUEST) {
                b.writerIndex(a + Arp.LENGTH);
                b.setShort(a + Arp.OPER, Arp.REPLY);
                setMac(b, a + Arp.THA, sha);
                b.setInt(a + Arp.TPA, spa);
                setMac(b, a + Arp.SHA, p.io.mac());
                b.setInt(a + Arp.SPA, tpa);
                Forwarder.transmit(s, p, sha, Ethernet.TYPE_ARP);
                return;
            }
            s.release();
            return;
        }
        s.release();
        if (onLink) {
            resolver.learnStale(port, Neighbor.V4, spa & 0xffff_ffffL, sha, false);
        }
    }

    /** Writes a 48-bit MAC (low bits of {@code mac}) at {@code off}. */
    static void setMac(ByteBuf b, int off, long mac) {
        b.setShort(off, (int) (mac >>> 32));
        b.setInt(off + 2, (int) mac);
    }

    static long getMac(ByteBuf b, int off) {
        return ((long) b.getUnsignedShort(off) << 32) | b.getUnsignedInt(off + 2);
    }
}
