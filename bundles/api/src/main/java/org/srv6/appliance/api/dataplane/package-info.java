/**
 * The services of the forwarding core that the shell and the tests use: ports, addresses,
 * routes and SIDs, neighbors, counters, the running configuration.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.8.0")
package org.srv6.appliance.api.dataplane;
