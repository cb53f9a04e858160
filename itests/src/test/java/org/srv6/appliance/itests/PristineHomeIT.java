package org.srv6.appliance.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** A toured home copies as built: no var/, no saved configuration, nothing deployed. */
public class PristineHomeIT {

    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    @Test
    public void stateOfARunIsLeftOut() throws Exception {
        Path built = tmp.newFolder("built").toPath();
        for (String f : new String[] {"bin/srv6", "etc/srv6.properties", "etc/startup.properties", "lib/srv6-launcher.jar",
            "system/org/x/x-1.jar", "features/srv6-core.json", "etc/srv6.conf", "etc/srv6.conf.bak", "etc/.srv6.conf.tmp",
            "var/cache/bundle1/bundle.info", "var/srv6.pid", "var/log/srv6.log", "deploy/probe.jar"}) {
            Path p = built.resolve(f);
            Files.createDirectories(p.getParent());
            Files.writeString(p, f);
        }
        Files.setPosixFilePermissions(built.resolve("bin/srv6"), PosixFilePermissions.fromString("rwxr-xr-x"));
        Path copy = tmp.getRoot().toPath().resolve("copy");
        PristineHome.copy(built, copy);
        for (String kept : new String[] {"bin/srv6", "etc/srv6.properties", "etc/startup.properties", "lib/srv6-launcher.jar",
            "system/org/x/x-1.jar", "features/srv6-core.json"}) {
            assertEquals(kept, Files.readString(copy.resolve(kept)));
        }
        assertTrue(Files.isExecutable(copy.resolve("bin/srv6")));
        assertTrue("deploy/ itself stays", Files.isDirectory(copy.resolve("deploy")));
        for (String gone : new String[] {"var", "etc/srv6.conf", "etc/srv6.conf.bak", "etc/.srv6.conf.tmp", "deploy/probe.jar"}) {
            assertFalse(gone, Files.exists(copy.resolve(gone)));
        }
    }
}
