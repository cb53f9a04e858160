/**
 * Allocation-free header views over Netty buffers: every accessor takes the buffer and the
 * absolute index of the header and reads or writes one field in network byte order.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.1.0")
package org.srv6.appliance.api.packet;
