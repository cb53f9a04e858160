package org.srv6.appliance.itests.osgi;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import javax.inject.Inject;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.BundleContext;
import org.srv6.appliance.api.dataplane.ConfigReplay;
import org.srv6.appliance.api.dataplane.SidInfo;
import org.srv6.appliance.api.dataplane.SrService;

/**
 * Boot = replay (SPEC §4 srv6:config): the saved configuration is applied during boot, with no
 * command typed, before the admin socket answers; a bad line is reported with its number and
 * reason, and a SID of a boot feature's behavior is active.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class BootReplayIT extends OsgiTestSupport {
    @Inject
    BundleContext context;

    @Configuration
    public Option[] config() {
        Path home = home("boot-replay");
        try {
            Files.writeString(home.resolve("etc/srv6.conf"), "# written by an earlier run\n"
                    + "ip link add pc0 type pcap out " + home.resolve("var/pc0.pcap") + "\n"
                    + "ip -6 addr add fc00:99::1/64 dev pc0\n"
                    + "ip bogus line\n"
                    + "ip -6 route add fc00:98::/64 via fc00:99::2 dev pc0 proto static metric 20\n"
                    + "ip -6 route add fc00:99::100 encap seg6local action End dev pc0\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Option[] {runtime(home, "srv6-core,srv6-behavior-end")};
    }

    private Path home() {
        return Path.of(context.getProperty("srv6.home"));
    }

    @Test
    public void theSavedConfigurationIsAppliedBeforeTheAdminSocketAnswers() throws Exception {
        Path socket = home().resolve("var/srv6.sock");
        waitFor("the admin socket", 20_000, () -> Files.exists(socket));
        // the socket is there, so the replay is over: no waiting from here on
        assertNotNull("the replay result is registered before the socket opens", context.getServiceReference(ConfigReplay.class));
        String secret = Files.readString(socket.resolveSibling("admin.secret")).trim();
        String[] addr = admin(socket, secret + "\nip -6 addr show dev pc0");
        assertEquals(addr[1], "0", addr[2]);
        assertTrue(addr[0], addr[0].contains("inet6 fc00:99::1/64 scope global"));
        String[] status = admin(socket, secret + "\nsrv6:config status");
        assertTrue(status[0], status[0].contains("4 lines applied, 1 rejected"));
        assertTrue(status[0], status[0].contains("line 4: unknown object 'bogus'"));
    }

    @Test
    public void eachRejectedLineKeepsItsNumberAndReason() throws Exception {
        ConfigReplay r = service(context, ConfigReplay.class, null, 20_000);
        assertNotNull("no ConfigReplay service: the configuration was not replayed at boot", r);
        assertEquals(4, r.applied());
        assertEquals(List.of(new ConfigReplay.Rejected("srv6.conf", 4, "ip bogus line",
                "unknown object 'bogus'; expected link, addr, route, neigh, sr")), r.rejected());
    }

    @Test
    public void aSidOfABootFeatureBehaviorIsActiveAfterTheReplay() throws Exception {
        assertNotNull(service(context, ConfigReplay.class, null, 20_000));
        SrService sr = service(context, SrService.class, null, 10_000);
        SidInfo sid = sr.sids().stream().filter(s -> s.sid().startsWith("fc00:99::100")).findFirst().orElse(null);
        assertNotNull("SID fc00:99::100 replayed: " + sr.sids(), sid);
        assertTrue("End is a boot feature's behavior: " + sid, sid.active());
    }
}
