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
                    "# written by an earlier run\nsrv6-behavior-end-x=installed\nsrv6-behavior-t-insert=uninstalled\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Option[] {runtime(home, "srv6-core,srv6-behavior-t-insert")};
    }

    @Test
    public void rememberedFeaturesAreReappliedAtBoot() throws Exception {
        assertNotNull("srv6-behavior-end-x was installed at run time before the restart", bundleNamed(context, "srv6-behavior-end-x"));
        assertNull("srv6-behavior-t-insert was uninstalled at run time before the restart", bundleNamed(context, "srv6-behavior-t-insert"));
        String list = (String) command(context, "feature", "list");
        assertTrue(list, list.matches("(?s).*\\nsrv6-behavior-end-x\\s+\\S+\\s+yes\\s+1\\n.*"));
        assertTrue(list, list.matches("(?s).*\\nsrv6-behavior-t-insert\\s+\\S+\\s+no\\s+1\\n.*"));
    }
}
