package org.srv6.appliance.api.dataplane;

/**
 * One steered port ({@code ip sr steer}) and its counters.
 *
 * @param port    the port whose received traffic is steered
 * @param mode    the transit mode ({@code encap}, {@code encap.red}, {@code l2encap}, {@code l2encap.red})
 * @param line    the pasteable line of {@code ip sr steer show}, e.g. {@code iif p0 mode l2encap segs fc00::1}
 * @param active  false while the mode's behavior bundle is absent
 * @param packets packets (frames, for the l2 modes) handed to the behavior
 * @param bytes   their bytes from the L3 header on (after the Ethernet header for the l2 modes)
 * @param drops   packets dropped by the behavior or for its absence
 */
public record SteerInfo(String port, String mode, String line, boolean active, long packets, long bytes,
        long drops) {
}
