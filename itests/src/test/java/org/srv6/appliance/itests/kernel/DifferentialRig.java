package org.srv6.appliance.itests.kernel;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNull;

import java.util.Arrays;
import java.util.List;

import org.srv6.appliance.itests.IoSelection;
import org.srv6.appliance.itests.kernel.DifferentialCases.Case;
import org.srv6.appliance.testkit.FrameDiff;
import org.srv6.appliance.testkit.Packets;

/**
 * What every kernel differential test class stands on: a kernel router topology and an appliance
 * topology side by side, a raw socket on each H1 (to send) and H2 (to receive), the way to give
 * both routers the same line, and the comparison of a {@link Case} through both.
 */
final class DifferentialRig implements AutoCloseable {
    final KernelTopology kernel;
    final RawSocket ktx;
    final RawSocket krx;
    final ApplianceTopology appliance;
    final RawSocket atx;
    final RawSocket arx;

    private DifferentialRig(KernelTopology kernel, RawSocket ktx, RawSocket krx, ApplianceTopology appliance,
            RawSocket atx, RawSocket arx) {
        this.kernel = kernel;
        this.ktx = ktx;
        this.krx = krx;
        this.appliance = appliance;
        this.atx = atx;
        this.arx = arx;
    }

    /**
     * Both topologies (namespaces named after the prefixes) and their sockets; what was made is
     * closed on failure. The appliance's ports are TAPs, or AF_PACKET ports on veths when the run
     * says {@code srv6.it.ports=packet} ({@link IoSelection#packetPorts()}): H1 and H2 see the
     * same r1 and r2 either way, so every case compares the same bytes.
     */
    static DifferentialRig open(String kernelPrefix, String appliancePrefix) throws Exception {
        return open(kernelPrefix, appliancePrefix, IoSelection.packetPorts());
    }

    /** As above; with {@code packet} the appliance's ports are AF_PACKET ports on veths ({@link ApplianceTopology}). */
    static DifferentialRig open(String kernelPrefix, String appliancePrefix, boolean packet) throws Exception {
        KernelTopology k = null;
        RawSocket kt = null;
        RawSocket kr = null;
        ApplianceTopology a = null;
        RawSocket at = null;
        try {
            k = new KernelTopology(kernelPrefix);
            kt = RawSocket.open(k.h1, "e0");
            kr = RawSocket.open(k.h2, "e0");
            a = new ApplianceTopology(appliancePrefix, true, home -> { }, packet);
            at = a.h1Socket();
            return new DifferentialRig(k, kt, kr, a, at, a.h2Socket());
        } catch (Exception | Error e) {
            ApplianceTopology.closeQuietly(kt, kr, at, a, k);
            throw e;
        }
    }

    /** Applies one line to both routers; the appliance must accept it. */
    void both(String line) {
        kernel.router(line);
        appliance.app.ok(line);
    }

    /** Forgets what the H2 sockets received before a test. */
    void drain() {
        krx.drain();
        arx.drain();
    }

    /** The boot features may still be activating behavior bundles after the appliance answers. */
    void awaitKeywords(String... keywords) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 30_000;
        String have = "";
        while (System.currentTimeMillis() < deadline) {
            have = appliance.app.ok("srv6:keywords");
            if (List.of(have.trim().split("\\s+")).containsAll(List.of(keywords))) {
                return;
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("behaviors " + Arrays.toString(keywords) + " not registered: " + have);
    }

    /**
     * The case through both routers (its lines given to each): the kernel's output against the RFC
     * outcome, the appliance's against the kernel's, from H2's MAC and the appliance's r2.
     */
    void compare(Case c) {
        byte[] k = KernelRouterIT.throughKernel(kernel, ktx, krx, c);
        assertNotNull(c.rule() + ": kernel router forwarded nothing", k);
        assertNull(c.rule() + ": kernel output differs from the RFC outcome",
                FrameDiff.diff(Packets.ethernet(kernel.h2Mac, kernel.rH2Mac, c.expectedEthertype(), c.expected()), k, false));

        c.lines().forEach(appliance.app::ok);
        arx.drain();
        atx.send(Packets.ethernet(appliance.appR1Mac, appliance.h1Mac, c.ethertype(), c.input()));
        byte[] a = arx.receive(2000, DifferentialCases::forwarded);
        assertNotNull(c.rule() + ": appliance forwarded nothing; input " + Packets.hex(c.input())
                + "\n" + appliance.app.logTail(20), a);
        String diff = FrameDiff.diff(k, a, false);
        assertNull(c.rule() + ": appliance output differs from the kernel's (expected = kernel); input "
                + Packets.hex(c.input()) + "\n" + diff, diff);
        assertArrayEquals(c.rule() + ": Ethernet destination must be H2", appliance.h2Mac, Arrays.copyOf(a, 6));
        assertArrayEquals(c.rule() + ": Ethernet source must be the appliance's r2", appliance.appR2Mac,
                Arrays.copyOfRange(a, 6, 12));
    }

    @Override
    public void close() {
        ApplianceTopology.closeQuietly(ktx, krx, atx, arx, appliance, kernel);
    }
}
