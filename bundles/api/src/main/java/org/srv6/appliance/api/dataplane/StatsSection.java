package org.srv6.appliance.api.dataplane;

/**
 * A part of the appliance outside the core that adds its counters to {@code srv6:stats} (the
 * Linux control plane's netlink follower, say): registered as an OSGi service, its lines are
 * printed under its name.
 */
public interface StatsSection {
    /** @return the section's heading, one word (e.g. {@code lcp}) */
    String section();

    /** @return the section's lines, without the heading */
    String stats();
}
