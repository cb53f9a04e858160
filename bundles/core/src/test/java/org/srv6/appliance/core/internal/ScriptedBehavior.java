package org.srv6.appliance.core.internal;

import java.util.List;
import java.util.Set;
import java.util.function.Function;

import org.srv6.appliance.api.behavior.Attribute;
import org.srv6.appliance.api.behavior.AttributeParser;
import org.srv6.appliance.api.behavior.Behavior;
import org.srv6.appliance.api.behavior.BehaviorConfig;
import org.srv6.appliance.api.behavior.BehaviorContext;
import org.srv6.appliance.api.behavior.BehaviorDescriptor;
import org.srv6.appliance.api.behavior.BehaviorInstance;
import org.srv6.appliance.api.behavior.BehaviorKind;
import org.srv6.appliance.api.behavior.PacketContext;
import org.srv6.appliance.api.behavior.SimpleConfig;
import org.srv6.appliance.api.behavior.Verdict;

/** A behavior whose every instance runs the given function: lets a test return any verdict. */
final class ScriptedBehavior implements Behavior {
    private final BehaviorDescriptor descriptor;
    private final Function<PacketContext, Verdict> script;

    ScriptedBehavior(String keyword, BehaviorKind kind, Function<PacketContext, Verdict> script) {
        this.descriptor = new BehaviorDescriptor(keyword, kind, "scripted (test)", "none", Set.of(),
                Set.of(Attribute.SEGS), Set.of());
        this.script = script;
    }

    @Override
    public BehaviorDescriptor descriptor() {
        return descriptor;
    }

    @Override
    public BehaviorConfig parse(List<String> tokens) throws org.srv6.appliance.api.behavior.BehaviorException {
        return new SimpleConfig(descriptor.keyword(), AttributeParser.parse(descriptor, tokens));
    }

    @Override
    public BehaviorInstance create(BehaviorConfig config, BehaviorContext context) {
        return script::apply;
    }
}
