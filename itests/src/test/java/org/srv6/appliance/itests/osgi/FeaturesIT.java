package org.srv6.appliance.itests.osgi;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.nio.file.Files;
import java.nio.file.Path;

import javax.inject.Inject;

import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.srv6.appliance.api.behavior.Behavior;

/** feature:list, feature:install and feature:uninstall, offline from the home's features/ and system/. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class FeaturesIT extends OsgiTestSupport {
    private static final String END = "(&(objectClass=" + Behavior.class.getName() + ")(" + Behavior.KEYWORD_PROPERTY + "=End))";
    private static final String END_X = "(&(objectClass=" + Behavior.class.getName() + ")(" + Behavior.KEYWORD_PROPERTY + "=End.X))";

    @Inject
    BundleContext context;

    @Configuration
    public Option[] config() {
        return new Option[] {runtime(home("features"), "srv6-core")};
    }

    /** Every test starts from the boot state: srv6-core only, nothing remembered. */
    @Before
    public void backToBootState() throws Exception {
        String list = (String) command(context, "feature", "list");
        for (String line : list.split("\n")) {
            String[] cols = line.trim().split("\\s+");
            if (cols.length == 4 && cols[2].equals("yes") && !cols[0].equals("srv6-core")) {
                command(context, "feature", "uninstall", cols[0]);
            }
        }
        Files.deleteIfExists(home().resolve("var/features.state"));
    }

    private Path home() {
        return Path.of(context.getProperty("srv6.home"));
    }

    private void waitForService(String filter, boolean present) throws InterruptedException {
        waitFor(filter + (present ? " registered" : " gone"), 10_000, () -> {
            try {
                return (serviceObject(context, filter) != null) == present;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    @Test
    public void bootFeatureIsListedAsInstalled() throws Exception {
        String list = (String) command(context, "feature", "list");
        assertTrue(list, list.matches("(?s).*\\nsrv6-core\\s+0\\.1\\.0-SNAPSHOT\\s+yes\\s+10\\n.*"));
        assertTrue(list, list.matches("(?s).*\\nsrv6-behavior-end\\s+0\\.1\\.0-SNAPSHOT\\s+no\\s+1\\n.*"));
        // srv6-all brings every behavior bundle its feature file lists
        String all = java.nio.file.Files.readString(projectRoot().resolve("features/src/main/features/srv6-all.json"));
        int bundles = all.split("\\{ \"id\"", -1).length - 1;
        assertTrue(bundles >= 19);
        assertTrue(list, list.matches("(?s).*\\nsrv6-all\\s+0\\.1\\.0-SNAPSHOT\\s+no\\s+" + bundles + "\\n.*"));
        assertNotNull(bundleNamed(context, "srv6-core"));
        assertEquals(Bundle.RESOLVED, bundleNamed(context, "io.netty.transport-native-epoll.linux-x86_64").getState());
    }

    @Test
    public void installRegistersTheBehaviorAndUninstallRemovesOnlyItsOwnBundles() throws Exception {
        assertEquals("feature srv6-behavior-end installed", command(context, "feature", "install", "srv6-behavior-end"));
        assertEquals(Bundle.ACTIVE, bundleNamed(context, "srv6-behavior-end").getState());
        assertTrue(Files.readString(home().resolve("var/features.state")).contains("srv6-behavior-end=installed"));
        waitForService(END, true);

        assertEquals("feature srv6-behavior-end uninstalled", command(context, "feature", "uninstall", "srv6-behavior-end"));
        assertNull(bundleNamed(context, "srv6-behavior-end"));
        waitForService(END, false);
        assertTrue(Files.readString(home().resolve("var/features.state")).contains("srv6-behavior-end=uninstalled"));
        // the core feature shares nothing with it and stays
        assertEquals(Bundle.ACTIVE, bundleNamed(context, "srv6-core").getState());
        assertEquals(Bundle.ACTIVE, bundleNamed(context, "io.netty.buffer").getState());
    }

    @Test
    public void aBundleUsedByAnotherInstalledFeatureStays() throws Exception {
        command(context, "feature", "install", "srv6-all");
        command(context, "feature", "install", "srv6-behavior-end");
        command(context, "feature", "uninstall", "srv6-behavior-end");
        assertNotNull("srv6-all still needs srv6-behavior-end", bundleNamed(context, "srv6-behavior-end"));
        assertEquals(Bundle.ACTIVE, bundleNamed(context, "srv6-behavior-end").getState());
        waitForService(END, true);
        waitForService(END_X, true);
        command(context, "feature", "uninstall", "srv6-all");
        assertNull(bundleNamed(context, "srv6-behavior-end"));
        assertNull(bundleNamed(context, "srv6-behavior-end-x"));
        waitForService(END, false);
        waitForService(END_X, false);
    }

    @Test
    public void unknownFeatureIsRejectedWithTheAvailableOnes() throws Exception {
        try {
            command(context, "feature", "install", "srv6-foo");
            fail("srv6-foo was accepted");
        } catch (IllegalArgumentException e) {
            assertTrue(e.getMessage(), e.getMessage().startsWith("unknown feature srv6-foo; available: srv6-all, srv6-behavior-end, "));
            assertTrue(e.getMessage(), !e.getMessage().contains("\n"));
        }
        assertTrue(!Files.exists(home().resolve("var/features.state")));
    }

    @Test
    public void uninstallingAFeatureThatIsNotInstalledIsRejected() throws Exception {
        try {
            command(context, "feature", "uninstall", "srv6-behavior-t-insert");
            fail("uninstall of a feature that is not installed was accepted");
        } catch (IllegalArgumentException e) {
            assertEquals("feature srv6-behavior-t-insert is not installed; installed: srv6-core", e.getMessage());
        }
    }

    @Test
    public void adminSocketRunsACommand() throws Exception {
        Path socket = home().resolve("var/srv6.sock");
        waitFor("the admin socket", 10_000, () -> Files.exists(socket));
        // the first line of a request is the secret the admin bundle keeps next to the socket
        Path secretFile = socket.resolveSibling("admin.secret");
        waitFor("the admin secret", 10_000, () -> Files.exists(secretFile));
        String secret = Files.readString(secretFile).trim();
        String[] r = admin(socket, secret + "\nfeature:list");
        assertEquals(r[1], "0", r[2]);
        assertTrue(r[0], r[0].contains("srv6-core"));
        String[] bad = admin(socket, secret + "\nfeature:install srv6-foo");
        assertTrue("a failing command must exit non-zero", !"0".equals(bad[2]));
        assertTrue(bad[1], bad[1].startsWith("Error: unknown feature srv6-foo; available: srv6-all, "));
        assertEquals("one error line: " + bad[1], bad[1].length() - 1, bad[1].indexOf('\n'));
        String[] refused = admin(socket, "feature:list");
        assertEquals("Error: authentication failed\n", refused[1]);
        assertTrue("a request without the secret must exit non-zero", !"0".equals(refused[2]));
        assertEquals("", refused[0]);
    }
}
