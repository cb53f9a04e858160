package org.srv6.appliance.core.internal;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import org.srv6.appliance.api.behavior.AbstractBehavior;
import org.srv6.appliance.api.behavior.Attribute;
import org.srv6.appliance.api.behavior.Attributes;
import org.srv6.appliance.api.behavior.BehaviorContext;
import org.srv6.appliance.api.behavior.BehaviorInstance;
import org.srv6.appliance.api.behavior.BehaviorType;
import org.srv6.appliance.api.behavior.Endpoint;
import org.srv6.appliance.api.behavior.Flavor;
import org.srv6.appliance.api.behavior.PacketContext;
import org.srv6.appliance.api.behavior.Verdict;

/**
 * An End behavior for the core's tests (RFC 8986 §4.1 through {@link Endpoint#advance}, then a
 * lookup in the ingress table), which records how its instances are created, used and closed.
 */
@BehaviorType(behavior = "End")
final class TestEndBehavior extends AbstractBehavior {
    final List<Instance> instances = new CopyOnWriteArrayList<>();
    /** Packets an instance processed after it had been closed: must stay 0. */
    final AtomicInteger usedAfterClose = new AtomicInteger();

    TestEndBehavior() {
        super(d -> d.definition("Endpoint (test)").reference("RFC 8986 §4.1").optional(Attribute.FLAVORS)
                .flavors(Flavor.PSP, Flavor.USP, Flavor.USD));
    }

    @Override
    protected BehaviorInstance instance(Attributes attributes, BehaviorContext context) {
        Instance i = new Instance(Endpoint.flavorBits(attributes.flavors()));
        instances.add(i);
        return i;
    }

    int closed() {
        int n = 0;
        for (Instance i : instances) {
            n += i.closes.get();
        }
        return n;
    }

    long processed() {
        long n = 0;
        for (Instance i : instances) {
            n += i.packets.get();
        }
        return n;
    }

    final class Instance implements BehaviorInstance {
        private final int flavors;
        final AtomicInteger closes = new AtomicInteger();
        final AtomicInteger packets = new AtomicInteger();

        Instance(int flavors) {
            this.flavors = flavors;
        }

        @Override
        public Verdict process(PacketContext ctx) {
            if (closes.get() > 0) {
                usedAfterClose.incrementAndGet();
            }
            packets.incrementAndGet();
            Verdict v = Endpoint.advance(ctx, flavors);
            return v == Verdict.FORWARD ? ctx.forward(ctx.inTable) : v;
        }

        @Override
        public void close() {
            closes.incrementAndGet();
        }
    }
}
