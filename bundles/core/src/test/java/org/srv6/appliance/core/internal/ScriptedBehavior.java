package org.srv6.appliance.core.internal;

import java.util.function.Function;

import org.srv6.appliance.api.behavior.AbstractBehavior;
import org.srv6.appliance.api.behavior.Attribute;
import org.srv6.appliance.api.behavior.Attributes;
import org.srv6.appliance.api.behavior.BehaviorContext;
import org.srv6.appliance.api.behavior.BehaviorException;
import org.srv6.appliance.api.behavior.BehaviorInstance;
import org.srv6.appliance.api.behavior.BehaviorKind;
import org.srv6.appliance.api.behavior.BehaviorType;
import org.srv6.appliance.api.behavior.PacketContext;
import org.srv6.appliance.api.behavior.Verdict;

/**
 * A behavior whose every instance runs the given function: lets a test return any verdict. The
 * endpoint is keyword {@code T}, the transit behavior mode {@code tmode}.
 */
abstract class ScriptedBehavior extends AbstractBehavior {
    private final Function<PacketContext, Verdict> script;

    private ScriptedBehavior(Function<PacketContext, Verdict> script) {
        super(d -> d.definition("scripted (test)").reference("none").optional(Attribute.SEGS, Attribute.HMAC));
        this.script = script;
    }

    /** @return the endpoint behavior {@code T} running {@code script} */
    static ScriptedBehavior endpoint(Function<PacketContext, Verdict> script) {
        return new Endpoint(script);
    }

    /** @return the transit behavior {@code tmode} running {@code script} */
    static ScriptedBehavior transit(Function<PacketContext, Verdict> script) {
        return new Transit(script);
    }

    @Override
    protected BehaviorInstance instance(Attributes attributes, BehaviorContext context) throws BehaviorException {
        hmac(context, attributes); // an unknown key is refused as the real behaviors refuse it
        return script::apply;
    }

    @BehaviorType(behavior = "T")
    private static final class Endpoint extends ScriptedBehavior {
        Endpoint(Function<PacketContext, Verdict> script) {
            super(script);
        }
    }

    @BehaviorType(behavior = "tmode", behavior_kind = BehaviorKind.TRANSIT)
    private static final class Transit extends ScriptedBehavior {
        Transit(Function<PacketContext, Verdict> script) {
            super(script);
        }
    }
}
