package org.srv6.appliance.core.internal.engine;

import java.util.concurrent.atomic.LongAdder;

import io.netty.buffer.ByteBuf;

import org.srv6.appliance.api.behavior.BehaviorInstance;
import org.srv6.appliance.api.behavior.DropReason;
import org.srv6.appliance.api.behavior.PacketContext;
import org.srv6.appliance.api.behavior.Verdict;
import org.srv6.appliance.api.packet.Ethernet;
import org.srv6.appliance.api.packet.Icmp6;
import org.srv6.appliance.api.packet.Ipv4;
import org.srv6.appliance.api.packet.Ipv6;
import org.srv6.appliance.core.internal.io.IoPort;
import org.srv6.appliance.core.internal.log.RateLimitedLog;

/**
 * Runs the behavior instance of a SID or steering route and carries out the {@link Verdict} it
 * returns: re-dispatch (FORWARD), output to a named next hop (FORWARD_NH, L2_NH), raw output
 * (L2_OUT), local delivery, drop, ICMP error, or nothing (CONSUMED). Owns the route's counters
 * and the log of a failing instance: an exception, no verdict or a verdict that cannot be
 * carried out is counted as {@code internal} and logged with the SID, the ingress port and the
 * cause, at most once a second per cause.
 */
final class VerdictExecutor {
    /** Verdicts that re-dispatch a packet, at most; more is a loop between SIDs. */
    static final int MAX_DEPTH = 16;

    private final RateLimitedLog threw = new RateLimitedLog();
    private final RateLimitedLog noVerdict = new RateLimitedLog();
    private final RateLimitedLog badVerdict = new RateLimitedLog();
    private Input input;
    private Forwarder forwarder;
    private LocalDelivery local;
    private IcmpErrors errors;

    void wire(Input input, Forwarder forwarder, LocalDelivery local, IcmpErrors errors) {
        this.input = input;
        this.forwarder = forwarder;
        this.local = local;
        this.errors = errors;
    }

    /** Runs a SID's or steering route's instance; {@code returning}: a frame from a proxy's service. */
    void behavior(Loop s, Tables t, Route r, int depth, boolean returning) {
        PacketContext ctx = s.ctx;
        Route.SidCounters c = r.counters;
        // a proxy counts each direction apart: to its service (process), from it (processReturn)
        LongAdder errs = returning ? c.fromErrors : c.errors;
        (returning ? c.fromPackets : c.packets).increment();
        (returning ? c.fromBytes : c.bytes).add(ctx.l3Length());
        BehaviorInstance inst = r.instance;
        if (inst == null) {
            errs.increment();
            s.drop(c.inactive);
            return;
        }
        if (!returning && r.kind == Route.SID && !hmacValid(s, t, c)) {
            return;
        }
        boolean whole = returning && ctx.wholeFrame;
        ctx.reset(ctx.buf, ctx.l3, ctx.inPort, ctx.inTable);
        ctx.wholeFrame = whole;
        s.route = r;
        s.routes.tables = t;
        Verdict v;
        try {
            v = returning ? inst.processReturn(ctx) : inst.process(ctx);
        } catch (RuntimeException e) {
            threw(s, r, errs, e);
            return;
        }
        if (v == null) {
            noVerdict(s, r, errs);
            return;
        }
        switch (v) {
            case FORWARD -> {
                if (depth >= MAX_DEPTH) {
                    errs.increment();
                    s.drop(DropReason.HOP_LIMIT);
                    return;
                }
                ByteBuf b = ctx.buf;
                int l3 = ctx.l3;
                if (l3 < b.readerIndex() || l3 >= b.writerIndex()) {
                    badVerdict(s, r, errs, "FORWARD with l3 outside the packet");
                    return;
                }
                int version = b.getUnsignedByte(l3) >>> 4;
                if (version == 6 && ctx.l3Length() >= Ipv6.LENGTH) {
                    input.dispatch6(s, t, t.lookup6(ctx.table, Ipv6.dstHi(b, l3), Ipv6.dstLo(b, l3)), depth + 1);
                } else if (version == 4 && ctx.l3Length() >= Ipv4.MIN_LENGTH) {
                    input.dispatch4(s, t, t.lookup4(ctx.table, Ipv4.dst(b, l3)), depth + 1);
                } else {
                    errs.increment();
                    s.drop(DropReason.UNSUPPORTED_PAYLOAD);
                }
            }
            case FORWARD_NH6 -> {
                int port = Forwarder.nextHop(s, t, true);
                if (port < 0) {
                    errs.increment();
                    errors.icmp6(s, t, Icmp6.DEST_UNREACHABLE, Icmp6.UNREACH_NO_ROUTE, 0, DropReason.NO_ROUTE);
                    return;
                }
                forwarder.forward6(s, t, port, s.nhHi, s.nhLo);
            }
            case FORWARD_NH4, L2_NH6, L2_NH4 -> {
                int port = Forwarder.nextHop(s, t, v == Verdict.L2_NH6);
                if (port < 0) {
                    errs.increment();
                    s.drop(DropReason.NO_ROUTE);
                    return;
                }
                if (v == Verdict.FORWARD_NH4) {
                    forwarder.forward4(s, t, port, (int) s.nhLo);
                    return;
                }
                PortState op = t.port(port);
                if (op == null || !op.io.up()) {
                    errs.increment();
                    s.drop(DropReason.PORT_DOWN);
                    return;
                }
                if (ctx.l3Length() > op.io.mtu()) {
                    errs.increment();
                    s.drop(DropReason.MTU_EXCEEDED);
                    return;
                }
                forwarder.output(s, op, s.nhHi, s.nhLo, ctx.etherType);
            }
            case L2_OUT -> {
                PortState op = t.port(ctx.outPort);
                if (op == null || !op.io.up()) {
                    errs.increment();
                    s.drop(DropReason.PORT_DOWN);
                    return;
                }
                ByteBuf b = ctx.buf;
                if (b.readableBytes() - Ethernet.LENGTH > op.io.mtu()) {
                    // as the kernel's End.DX2: a frame whose payload exceeds the port's MTU is not sent
                    errs.increment();
                    s.drop(DropReason.MTU_EXCEEDED);
                    return;
                }
                ctx.buf = null;
                op.io.send(b);
            }
            case LOCAL -> local.local6(s, t, true);
            case DROP -> {
                if (ctx.dropReason == DropReason.NONE) {
                    badVerdict(s, r, errs, "DROP without a drop reason");
                    return;
                }
                errs.increment();
                s.drop(ctx.dropReason);
            }
            case ICMP_ERROR -> {
                errs.increment();
                DropReason reason = ctx.dropReason == DropReason.NONE ? DropReason.INTERNAL : ctx.dropReason;
                if ((ctx.buf.getUnsignedByte(ctx.l3) >>> 4) == 4) {
                    errors.icmp4(s, t, ctx.icmpType, ctx.icmpCode, ctx.icmpParam, reason);
                } else {
                    errors.icmp6(s, t, ctx.icmpType, ctx.icmpCode, ctx.icmpParam, reason);
                }
            }
            case CONSUMED -> ctx.buf = null;
            default -> badVerdict(s, r, errs, "a verdict this core does not carry out");
        }
    }

    /**
     * A SID verifies an arriving SRH's HMAC under its ingress port's policy before its behavior
     * runs (the kernel's seg6local checks in get_and_validate_srh / decap_and_validate); a port
     * with policy -1 costs one comparison. @return false when the packet was dropped
     */
    private static boolean hmacValid(Loop s, Tables t, Route.SidCounters c) {
        PacketContext ctx = s.ctx;
        PortState in = t.port(ctx.inPort);
        if (in == null || in.hmacPolicy < 0) {
            return true;
        }
        DropReason bad = t.hmacKeys.check(in.hmacPolicy, ctx.buf, ctx.l3);
        if (bad == DropReason.NONE) {
            return true;
        }
        c.errors.increment();
        s.drop(bad);
        return false;
    }

    /** The instance threw: counted against the SID, dropped as internal, logged. */
    private void threw(Loop s, Route r, LongAdder errs, RuntimeException e) {
        errs.increment();
        s.drop(DropReason.INTERNAL);
        IoPort in = s.in;
        threw.error(() -> "behavior instance of SID " + r.prefix() + " (" + r.spec().keyword()
                + ") threw on a packet " + (errs == r.counters.fromErrors ? "from its service on " : "from ")
                + portName(in) + "; the packet was dropped (internal)", e);
    }

    private void noVerdict(Loop s, Route r, LongAdder errs) {
        errs.increment();
        s.drop(DropReason.INTERNAL);
        IoPort in = s.in;
        noVerdict.error(() -> "behavior instance of SID " + r.prefix() + " (" + r.spec().keyword()
                + ") returned no verdict for a packet from " + portName(in)
                + "; the packet was dropped (internal), a verdict was expected", null);
    }

    /** A verdict the core cannot carry out: counted against the SID, dropped as internal, logged. */
    private void badVerdict(Loop s, Route r, LongAdder errs, String what) {
        errs.increment();
        s.drop(DropReason.INTERNAL);
        IoPort in = s.in;
        badVerdict.error(() -> "behavior instance of SID " + r.prefix() + " (" + r.spec().keyword() + ") returned "
                + what + " for a packet from " + portName(in) + "; the packet was dropped (internal)", null);
    }

    private static String portName(IoPort p) {
        return p == null ? "(no port)" : p.name();
    }
}
