package org.srv6.appliance.itests.osgi;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import javax.inject.Inject;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.srv6.appliance.api.behavior.Behavior;
import org.srv6.appliance.itests.IoSelection;

/** The runtime boots like the launcher boots it, and behavior bundles come and go as services. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class RuntimeBootIT extends OsgiTestSupport {
    @Inject
    BundleContext context;

    @Configuration
    public Option[] config() {
        return new Option[] {runtime(home("boot"), "srv6-core")};
    }

    @Test
    public void everyRuntimeBundleIsActiveOrAResolvedFragment() throws Exception {
        String[] expected = {"org.apache.felix.scr", "org.apache.felix.gogo.runtime", "org.apache.felix.gogo.command",
            "org.apache.felix.configadmin", "org.apache.felix.fileinstall", "com.sun.jna", "srv6-admin",
            "srv6-features-runtime", "srv6-api", "srv6-core", "srv6-shell-commands", "io.netty.buffer",
            "io.netty.transport-native-epoll.linux-x86_64"};
        for (String name : expected) {
            assertNotNull(name + " is not installed", bundleNamed(context, name));
        }
        waitFor("every bundle active", 10_000, () -> notActive().isEmpty());
        assertEquals(List.of(), notActive());
    }

    /**
     * The backend this run selects ({@code srv6.io}, given to the runtime as a framework property
     * like the launcher gives it) is what the core's bundle context reads.
     */
    @Test
    public void theCoreReadsTheRunsBackend() throws Exception {
        Bundle core = bundleNamed(context, "srv6-core");
        assertNotNull("srv6-core is not installed", core);
        waitFor("srv6-core active", 10_000, () -> core.getState() == Bundle.ACTIVE);
        assertEquals(IoSelection.io(), core.getBundleContext().getProperty("srv6.io"));
        System.out.println("srv6-core: srv6.io=" + core.getBundleContext().getProperty("srv6.io"));
    }

    private List<String> notActive() {
        List<String> bad = new ArrayList<>();
        for (Bundle b : context.getBundles()) {
            boolean fragment = b.getHeaders().get(Constants.FRAGMENT_HOST) != null;
            int wanted = fragment ? Bundle.RESOLVED : Bundle.ACTIVE;
            if (b.getState() != wanted) {
                bad.add(b.getSymbolicName() + " state " + b.getState());
            }
        }
        return bad;
    }

    @Test
    public void installingEndRegistersItsBehaviorAndUninstallingRemovesIt() throws Exception {
        String filter = "(" + Behavior.KEYWORD_PROPERTY + "=End)";
        Path home = Path.of(context.getProperty("srv6.home"));
        assertNull("End is registered before its bundle is installed", serviceObject(context, "(&(objectClass=" + Behavior.class.getName() + ")" + filter + ")"));
        Bundle b = context.installBundle(location(home, coordinate("srv6-behavior-end")));
        b.start();
        Behavior end = service(context, Behavior.class, filter, 10_000);
        assertNotNull("no Behavior service with srv6.behavior=End after installing srv6-behavior-end", end);
        assertEquals("End", end.descriptor().keyword());
        b.uninstall();
        waitFor("End to unregister", 10_000, () -> {
            try {
                return serviceObject(context, "(&(objectClass=" + Behavior.class.getName() + ")" + filter + ")") == null;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }
}
