package org.srv6.appliance.itests.osgi;

import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

import javax.inject.Inject;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.BundleContext;

/** What was installed and uninstalled at run time (var/features.state) is applied over the boot list. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class BootStateIT extends OsgiTestSupport {
    @Inject
    BundleContext context;

    @Configuration
    public Option[] config() {
        Path home = home("boot-state");
        try {
            Files.writeString(home.resolve("var/features.state"),
                    "# written by an earlier run\nsrv6-behavior-end-x=installed\nsrv6-behavior-t-insert=uninstalled\n"
                    // feature:uninstall --keep-members srv6-all, then the members one by one
                    + "srv6-all=uninstalled\nsrv6-behavior-end=installed\nsrv6-behavior-end-dx2=installed\nsrv6-behavior-end-dx2=uninstalled\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Option[] {runtime(home, "srv6-core,srv6-all,srv6-behavior-t-insert")};
    }

    @Test
    public void rememberedFeaturesAreReappliedAtBoot() throws Exception {
        assertNotNull("srv6-behavior-end-x was installed at run time before the restart", bundleNamed(context, "srv6-behavior-end-x"));
        assertNull("srv6-behavior-t-insert was uninstalled at run time before the restart", bundleNamed(context, "srv6-behavior-t-insert"));
        String list = (String) command(context, "feature", "list");
        assertTrue(list, list.matches("(?s).*\\nsrv6-behavior-end-x\\s+\\S+\\s+yes\\s+1\\s+operator\\n.*"));
        assertTrue(list, list.matches("(?s).*\\nsrv6-behavior-t-insert\\s+\\S+\\s+no\\s+1\\n.*"));
        // srv6-all of the boot list was uninstalled keeping its members; one of them went later
        assertTrue(list, list.matches("(?s).*\\nsrv6-all\\s+\\S+\\s+no\\s+\\d+\\n.*"));
        assertTrue(list, list.matches("(?s).*\\nsrv6-behavior-end\\s+\\S+\\s+yes\\s+1\\s+operator\\n.*"));
        assertTrue(list, list.matches("(?s).*\\nsrv6-behavior-end-dx2\\s+\\S+\\s+no\\s+1\\n.*"));
        assertNotNull(bundleNamed(context, "srv6-behavior-end"));
        assertNull("srv6-all, which brought it, is uninstalled", bundleNamed(context, "srv6-behavior-end-dt6"));
        assertNull(bundleNamed(context, "srv6-behavior-end-dx2"));
    }
}
