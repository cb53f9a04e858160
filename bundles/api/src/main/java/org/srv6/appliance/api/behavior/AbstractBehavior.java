package org.srv6.appliance.api.behavior;

import java.util.List;
import java.util.function.UnaryOperator;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * What every behavior bundle's factory would otherwise repeat: the descriptor (keyword and kind
 * from {@link BehaviorType}, the rest from the constructor), parsing with
 * {@link AttributeParser} and a {@link SimpleConfig}. A behavior adds only the checks the
 * descriptor cannot express ({@link #validate}) and its instance ({@link #instance}).
 *
 * <pre>
 * &#64;Component(service = Behavior.class)
 * &#64;BehaviorType(behavior = "End.X", behavior_kind = BehaviorKind.ENDPOINT)
 * public final class EndXBehavior extends AbstractBehavior {
 *     public EndXBehavior() {
 *         super(d -&gt; d.definition("Endpoint with L3 cross-connect").reference("RFC 8986 §4.2")
 *                 .required(Attribute.NH6).optional(Attribute.OIF, Attribute.FLAVORS)
 *                 .flavors(Flavor.PSP, Flavor.USP, Flavor.USD));
 *     }
 *
 *     protected BehaviorInstance instance(Attributes a, BehaviorContext c) throws BehaviorException {
 *         return new EndXInstance(Endpoint.flavorBits(a.flavors()), a.nh6(), port(c, Attribute.OIF, a.oif()));
 *     }
 * }
 * </pre>
 */
@ConsumerType
public abstract class AbstractBehavior implements Behavior {
    private final BehaviorDescriptor descriptor;

    /**
     * @param describe fills in what the {@link BehaviorType} annotation does not say: definition,
     *                 reference, attributes and flavors
     * @throws IllegalStateException when the class carries no {@link BehaviorType}
     */
    protected AbstractBehavior(UnaryOperator<BehaviorDescriptor.Builder> describe) {
        BehaviorType t = getClass().getAnnotation(BehaviorType.class);
        if (t == null) {
            throw new IllegalStateException(getClass().getName() + " needs @BehaviorType(behavior = KEYWORD)");
        }
        this.descriptor = describe.apply(BehaviorDescriptor.builder(t.behavior(), t.behavior_kind())).build();
    }

    @Override
    public final BehaviorDescriptor descriptor() {
        return descriptor;
    }

    /** @return the keyword, as in the descriptor and the service property */
    public final String keyword() {
        return descriptor.keyword();
    }

    /** {@link AttributeParser#parse} against the descriptor, then {@link #validate}. */
    @Override
    public BehaviorConfig parse(List<String> tokens) throws BehaviorException {
        Attributes a = AttributeParser.parse(descriptor, tokens);
        validate(a);
        return new SimpleConfig(descriptor.keyword(), a);
    }

    /**
     * Checks again what {@link #parse} checked (the configuration may have been built elsewhere),
     * then makes the instance.
     */
    @Override
    public BehaviorInstance create(BehaviorConfig config, BehaviorContext context) throws BehaviorException {
        Attributes a = config.attributes();
        for (Attribute r : descriptor.required()) {
            boolean tableAlias = r == Attribute.TABLE && a.has(Attribute.VRFTABLE);
            if (!a.has(r) && !tableAlias) {
                throw new BehaviorException(descriptor.keyword() + " needs " + r.syntax());
            }
        }
        validate(a);
        return instance(a, context);
    }

    /**
     * What the descriptor cannot say (e.g. End's C-SID lengths); the default accepts everything
     * {@link AttributeParser} accepted.
     *
     * @throws BehaviorException one line: what is wrong and what is expected
     */
    protected void validate(Attributes attributes) throws BehaviorException {
    }

    /**
     * Makes the instance, everything precomputed; runs on the core's control thread.
     *
     * @throws BehaviorException when the configuration cannot be realised here (e.g. unknown port)
     */
    protected abstract BehaviorInstance instance(Attributes attributes, BehaviorContext context)
            throws BehaviorException;

    /**
     * @return the index of port {@code name} given as {@code attribute}, or -1 when {@code name} is null
     * @throws BehaviorException when there is no such port
     */
    protected static int port(BehaviorContext context, Attribute attribute, String name) throws BehaviorException {
        if (name == null) {
            return -1;
        }
        int index = context.portIndex(name);
        if (index < 0) {
            throw new BehaviorException("unknown port " + name + " for " + attribute.keyword()
                    + "; expected an existing port name");
        }
        return index;
    }

    /**
     * The signer of the {@code hmac KEYID} a behavior was given, keyed once here.
     *
     * @return null when the behavior has no {@code hmac}
     * @throws BehaviorException when no {@code ip sr hmac set} key has that id
     */
    protected static org.srv6.appliance.api.packet.SrhHmac hmac(BehaviorContext context, Attributes a)
            throws BehaviorException {
        if (!a.has(Attribute.HMAC)) {
            return null;
        }
        long id = a.hmac() & 0xffffffffL;
        BehaviorContext.HmacKey key = context.hmacKey(a.hmac());
        if (key == null) {
            throw new BehaviorException("hmac key " + id + " is not set; expected ip sr hmac set " + id
                    + " sha1|sha256 SECRET first");
        }
        return new org.srv6.appliance.api.packet.SrhHmac(key.algorithm(), key.secret(), id);
    }
}
