package org.srv6.appliance.launcher;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Properties;

import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

public class MainTest {

    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    @Test
    public void homeIsSubstitutedInPropertyValues() {
        Properties raw = new Properties();
        raw.setProperty("a", "x");
        assertEquals("/opt/srv6/deploy", Main.substitute("${srv6.home}/deploy", raw, Paths.get("/opt/srv6")));
        assertEquals("x-x", Main.substitute("${a}-${a}", raw, Paths.get("/")));
        assertEquals("left", Main.substitute("left${undefined.property.name}", raw, Paths.get("/")));
    }

    @Test
    public void startupEntryWithoutVersionTakesTheNewestInSystem() throws IOException {
        Path system = tmp.newFolder("system").toPath();
        for (String v : new String[] {"1.2.0", "1.10.0"}) {
            Path dir = Files.createDirectories(system.resolve("org/example/demo").resolve(v));
            Files.createFile(dir.resolve("demo-" + v + ".jar"));
        }
        Files.createFile(system.resolve("org/example/demo/maven-metadata-local.xml"));
        assertEquals(system.resolve("org/example/demo/1.2.0/demo-1.2.0.jar"), Main.resolve(system, "org.example/demo/1.2.0"));
        assertEquals(system.resolve("org/example/demo/1.10.0/demo-1.10.0.jar"), Main.resolve(system, "org.example/demo"));
    }

    @Test
    public void missingStartupBundleNamesTheEntry() throws IOException {
        Path system = tmp.newFolder("system").toPath();
        try {
            Main.resolve(system, "org.example/absent");
            fail("an absent bundle must be reported");
        } catch (IOException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("org.example/absent"));
        }
    }

    @Test
    public void logIsGroupReadableAndTheConfigurationOwnerOnly() throws IOException {
        Path home = tmp.newFolder("home").toPath();
        Files.createDirectories(home.resolve("etc"));
        Files.writeString(home.resolve("etc/srv6.conf"), "ip link add r1 type tap\n");
        Files.setPosixFilePermissions(home.resolve("etc/srv6.conf"), PosixFilePermissions.fromString("rw-r--r--"));
        Path log = Main.securePermissions(home);
        assertEquals(home.resolve("var/log/srv6.log"), log);
        assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(log)));
        assertEquals("rwxr-x---", PosixFilePermissions.toString(Files.getPosixFilePermissions(log.getParent())));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(home.resolve("etc/srv6.conf"))));
    }

    @Test
    public void nettyInterfaceLookupFailureIsOneLine() {
        java.util.logging.LogRecord failed = new java.util.logging.LogRecord(java.util.logging.Level.WARNING,
                "Failed to retrieve the list of available network interfaces");
        failed.setThrown(new java.net.SocketException("No network interfaces configured"));
        assertTrue(Main.foldNetworkInterfaceWarning(failed));
        assertEquals(null, failed.getThrown());
        assertEquals("Failed to retrieve the list of available network interfaces: No network interfaces configured"
                + " (is the loopback interface up?)", failed.getMessage());
        java.util.logging.LogRecord loopback = new java.util.logging.LogRecord(java.util.logging.Level.WARNING,
                "Failed to find the loopback interface");
        assertFalse("said once", Main.foldNetworkInterfaceWarning(loopback));
    }
}
