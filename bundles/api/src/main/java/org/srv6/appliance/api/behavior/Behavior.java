package org.srv6.appliance.api.behavior;

import java.util.List;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * An SRv6 behavior, registered by its bundle as an OSGi service with the service property
 * {@value #KEYWORD_PROPERTY} = the descriptor's keyword and {@value #KIND_PROPERTY} = the
 * {@link BehaviorKind} name ({@link BehaviorType} on the component sets both). The core owns
 * every SID's configuration text; a behavior owns only the code: parse the text, make an
 * instance. Most behaviors extend {@link AbstractBehavior}.
 */
@ConsumerType
public interface Behavior {

    /** Service property naming the keyword ({@code End.X}, {@code encap}, ...). */
    String KEYWORD_PROPERTY = "srv6.behavior";
    /** Service property naming the kind ({@code ENDPOINT} or {@code TRANSIT}). */
    String KIND_PROPERTY = "srv6.behavior.kind";

    /** @return what this behavior is, which attributes and flavors it takes */
    BehaviorDescriptor descriptor();

    /**
     * Parses the tokens that follow {@code action KEYWORD} (endpoint) or {@code mode MODE}
     * (transit). Most behaviors call {@link AttributeParser#parse} and check what it cannot.
     *
     * @param tokens the parameters, e.g. {@code [nh6, fc00::1, oif, r1]}
     * @return an immutable configuration
     * @throws BehaviorException with one line saying what is wrong and what is expected
     */
    BehaviorConfig parse(List<String> tokens) throws BehaviorException;

    /**
     * Makes an instance with everything precomputed (rewrite bytes, SRH templates, port and
     * table ids). Called by the core on its control thread, never on the packet path.
     *
     * @throws BehaviorException when the configuration cannot be realised in this context
     *                           (e.g. unknown port)
     */
    BehaviorInstance create(BehaviorConfig config, BehaviorContext context) throws BehaviorException;
}
