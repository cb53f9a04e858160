package org.srv6.appliance.api.behavior;

import java.util.Objects;

/** A configuration that is nothing more than the keyword and its shared attributes. */
public record SimpleConfig(String keyword, Attributes attributes) implements BehaviorConfig {
    public SimpleConfig {
        Objects.requireNonNull(keyword);
        Objects.requireNonNull(attributes);
    }
}
