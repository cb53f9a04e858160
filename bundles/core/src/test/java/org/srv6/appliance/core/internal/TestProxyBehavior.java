package org.srv6.appliance.core.internal;

import java.util.concurrent.atomic.AtomicLong;

import org.srv6.appliance.api.behavior.AbstractBehavior;
import org.srv6.appliance.api.behavior.Attribute;
import org.srv6.appliance.api.behavior.Attributes;
import org.srv6.appliance.api.behavior.BehaviorContext;
import org.srv6.appliance.api.behavior.BehaviorException;
import org.srv6.appliance.api.behavior.BehaviorInstance;
import org.srv6.appliance.api.behavior.BehaviorType;
import org.srv6.appliance.api.behavior.DropReason;
import org.srv6.appliance.api.behavior.PacketContext;
import org.srv6.appliance.api.behavior.Verdict;
import org.srv6.appliance.api.packet.InetAddrs;
import org.srv6.appliance.api.packet.Ipv6;

/**
 * A proxy for the core's tests, {@code End.PX oif PORT [iif PORT]}: a packet to the SID goes out
 * {@code oif} as it came (L2); with {@code iif} the instance claims that port and takes back what
 * the service returns to {@link #TAKEN}, out the SID's {@code dev} as it came, and refuses the rest
 * ({@code not-for-us}). Without {@code iif} it claims nothing, as End.X or End.DX2 with an {@code oif}.
 * Its status counts what it took back.
 */
@BehaviorType(behavior = "End.PX")
final class TestProxyBehavior extends AbstractBehavior {
    /** The destination of the returning packets the instance takes back. */
    static final String TAKEN = "2001:db8:77::1";
    private static final long TAKEN_HI = Ipv6.hi(InetAddrs.parse6(TAKEN));
    private static final long TAKEN_LO = Ipv6.lo(InetAddrs.parse6(TAKEN));

    TestProxyBehavior() {
        super(d -> d.definition("proxy (test)").reference("none").required(Attribute.OIF).optional(Attribute.IIF));
    }

    @Override
    protected BehaviorInstance instance(Attributes a, BehaviorContext c) throws BehaviorException {
        return new Instance(port(c, Attribute.OIF, a.oif()), port(c, Attribute.IIF, a.iif()), c.devPort());
    }

    static final class Instance implements BehaviorInstance {
        private final int out;
        private final int back;
        private final int dev;
        private final AtomicLong returned = new AtomicLong();

        Instance(int out, int back, int dev) {
            this.out = out;
            this.back = back;
            this.dev = dev;
        }

        @Override
        public Verdict process(PacketContext ctx) {
            ctx.outPort = out;
            return Verdict.L2_OUT;
        }

        @Override
        public int returnPort() {
            return back;
        }

        @Override
        public Verdict processReturn(PacketContext ctx) {
            if (ctx.l3Length() < Ipv6.LENGTH || Ipv6.dstHi(ctx.buf, ctx.l3) != TAKEN_HI
                    || Ipv6.dstLo(ctx.buf, ctx.l3) != TAKEN_LO) {
                return ctx.drop(DropReason.NOT_FOR_US);
            }
            returned.incrementAndGet();
            ctx.outPort = dev;
            return Verdict.L2_OUT;
        }

        @Override
        public String status() {
            return back < 0 ? null : returned.get() + " taken back";
        }
    }
}
