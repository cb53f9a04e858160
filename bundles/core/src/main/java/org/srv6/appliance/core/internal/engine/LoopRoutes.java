package org.srv6.appliance.core.internal.engine;

import org.srv6.appliance.api.behavior.RouteLookup;

/**
 * The {@link RouteLookup} of one event loop, handed to behaviors in {@code ctx.routes}: it looks
 * up in the tables of the frame being processed ({@link VerdictExecutor} binds them before each
 * instance runs), exactly as {@link Forwarder#nextHop} looks up a FORWARD_NH6 next hop, so that
 * "yes" here means that FORWARD_NH6 to the address in that table finds its port.
 */
final class LoopRoutes implements RouteLookup {
    /** The snapshot of the frame at hand; written and read by the loop's own thread only. */
    Tables tables;

    @Override
    public boolean unicast6(int table, long hi, long lo) {
        Tables t = tables;
        if (t == null) {
            return false;
        }
        Route r = t.lookup6(table, hi, lo);
        return r != null && r.kind == Route.UNICAST;
    }
}
