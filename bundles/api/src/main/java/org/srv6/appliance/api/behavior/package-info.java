/**
 * The behavior SPI: a behavior bundle registers a {@link org.srv6.appliance.api.behavior.Behavior}
 * service whose descriptor names the keyword, the parameters and the flavors; the core parses
 * the {@code ip} tokens with it, instantiates it with everything precomputed and runs the
 * instance's {@code process} on its event loops.
 *
 * <p>A new behavior is its descriptor, an optional extra validation and its instance: a class
 * extending {@link org.srv6.appliance.api.behavior.AbstractBehavior}, annotated with
 * {@link org.srv6.appliance.api.behavior.BehaviorType} (the keyword and kind, written once), and a
 * {@link org.srv6.appliance.api.behavior.BehaviorInstance}. {@code bundles/api/ADDING-A-BEHAVIOR.md}
 * walks through End.X: pom, descriptor, instance, tests on the testkit, feature and distribution.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.5.0")
package org.srv6.appliance.api.behavior;
