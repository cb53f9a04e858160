/**
 * The behavior SPI: a behavior bundle registers a {@link org.srv6.appliance.api.behavior.Behavior}
 * service whose descriptor names the keyword, the parameters and the flavors; the core parses
 * the {@code ip} tokens with it, instantiates it with everything precomputed and runs the
 * instance's {@code process} on its event loops.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.1.0")
package org.srv6.appliance.api.behavior;
