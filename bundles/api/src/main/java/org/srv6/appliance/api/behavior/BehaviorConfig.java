package org.srv6.appliance.api.behavior;

/**
 * The immutable, parsed configuration of one SID or steering route. {@link #text()} is the
 * canonical parameter text (what {@code ip route show} prints after the keyword); parsing it
 * again gives an equal configuration.
 */
public interface BehaviorConfig {

    /** @return the behavior keyword */
    String keyword();

    /** @return the parsed shared attributes */
    Attributes attributes();

    /** @return the canonical parameter text, without the keyword; may be empty */
    default String text() {
        return attributes().format();
    }
}
