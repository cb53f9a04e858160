package org.srv6.appliance.api.dataplane;

import java.util.List;

/**
 * A behavior service that is installed, as {@code srv6:behaviors} prints it.
 *
 * @param keyword      e.g. {@code End.X} or {@code encap}
 * @param kind         {@code ENDPOINT} or {@code TRANSIT}
 * @param bundleId     the bundle that provides it
 * @param symbolicName that bundle's symbolic name
 * @param version      that bundle's version
 * @param syntax       parameter syntax
 * @param definition   one line
 * @param sids         SIDs / prefixes using it
 */
public record BehaviorInfo(String keyword, String kind, long bundleId, String symbolicName, String version,
        String syntax, String definition, List<String> sids) {
}
