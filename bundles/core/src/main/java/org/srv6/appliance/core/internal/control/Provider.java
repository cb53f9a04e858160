package org.srv6.appliance.core.internal.control;

import org.srv6.appliance.api.behavior.Behavior;

/** A behavior service as the core sees it: its keyword and kind, its ranking and the bundle it comes from. */
public record Provider(String keyword, String kind, Behavior behavior, long serviceId, int ranking, long bundleId,
        String symbolicName, String version) {
}
