package org.srv6.appliance.itests.dist;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertTrue;

import java.nio.file.Path;
import java.util.List;

import org.junit.After;
import org.junit.Assume;
import org.junit.Before;
import org.junit.Test;

/**
 * The built appliance's features through {@code bin/srv6 client}: what was installed and
 * uninstalled comes back the same after {@code bin/srv6 stop/start} and after moving the home.
 */
public class FeatureStateIT {

    private ApplianceHome app;

    @Before
    public void copyHome() throws Exception {
        Assume.assumeTrue("needs root for ip netns; run as root", ApplianceHome.isRoot());
        app = ApplianceHome.copy(true);
        ApplianceHome.Run start = app.srv6("start");
        assertEquals("start: " + start, 0, start.exit);
    }

    @After
    public void removeHome() throws Exception {
        if (app != null) {
            app.close();
        }
    }

    @Test
    public void droppedBehaviorsStayDroppedAfterRestartAndMove() throws Exception {
        // at boot srv6-all brings End.X: its own feature cannot be uninstalled behind srv6-all's back
        ApplianceHome.Run refused = app.srv6("client", "feature:uninstall srv6-behavior-end-x");
        assertNotEquals(refused.toString(), 0, refused.exit);
        assertEquals(refused.toString(), "Error: srv6-behavior-end-x is included by srv6-all; uninstall srv6-all (all its features go),"
                + " or feature:uninstall --keep-members srv6-all and then srv6-behavior-end-x\n", refused.err);
        assertTrue(active(app, "srv6-behavior-end-x"));

        run(app, "feature:uninstall --keep-members srv6-all");
        run(app, "feature:uninstall srv6-behavior-end-x");
        run(app, "feature:uninstall srv6-behavior-t-insert");
        assertFalse(installed(app, "srv6-behavior-end-x"));
        assertTrue(active(app, "srv6-behavior-end"));
        String list = run(app, "feature:list");
        assertTrue(list, list.matches("(?s).*\\nsrv6-all\\s+\\S+\\s+no\\s+\\d+\\n.*"));
        assertTrue(list, list.matches("(?s).*\\nsrv6-behavior-end-x\\s+\\S+\\s+no\\s+1\\n.*"));
        assertTrue(list, list.matches("(?s).*\\nsrv6-behavior-end\\s+\\S+\\s+yes\\s+1\\s+operator\\n.*"));
        assertTrue(list, list.matches("(?s).*\\nsrv6-behavior-end\\s+Active\\s+srv6-behavior-end\\n.*"));

        assertEquals(0, app.srv6("stop").exit);
        assertEquals(0, app.srv6("start").exit);
        assertSameFeatures(app, list);

        assertEquals(0, app.srv6("stop").exit);
        Path movedPath = app.dir.resolve("moved");
        assertEquals(0, ApplianceHome.exec(null, List.of("mv", app.home.toString(), movedPath.toString())).exit);
        try (ApplianceHome moved = app.at(movedPath)) {
            assertEquals(0, moved.srv6("start").exit);
            assertSameFeatures(moved, list);
            // and a behavior comes back by its feature
            run(moved, "feature:install srv6-behavior-end-x");
            assertTrue(active(moved, "srv6-behavior-end-x"));
        }
    }

    @Test
    public void srv6AllComesBackAfterRestart() throws Exception {
        run(app, "feature:uninstall srv6-all");
        assertFalse(installed(app, "srv6-behavior-end"));
        assertEquals(0, app.srv6("stop").exit);
        assertEquals(0, app.srv6("start").exit);
        assertFalse("srv6-all uninstalled before the restart", installed(app, "srv6-behavior-end"));
        run(app, "feature:install srv6-all");
        assertEquals(0, app.srv6("stop").exit);
        assertEquals(0, app.srv6("start").exit);
        String list = run(app, "feature:list");
        assertTrue(list, list.matches("(?s).*\\nsrv6-behavior-end-x\\s+\\S+\\s+yes\\s+1\\s+srv6-all\\n.*"));
        assertTrue(active(app, "srv6-behavior-end-x"));
    }

    private static void assertSameFeatures(ApplianceHome home, String expected) throws Exception {
        // the feature table only: bundle states may still be settling
        assertEquals(expected.split("\n\n")[0], run(home, "feature:list").split("\n\n")[0]);
        assertFalse(installed(home, "srv6-behavior-end-x"));
        assertFalse(installed(home, "srv6-behavior-t-insert"));
        assertTrue(active(home, "srv6-behavior-end"));
    }

    private static String run(ApplianceHome home, String command) throws Exception {
        ApplianceHome.Run r = home.srv6("client", command);
        assertEquals(command + ": " + r, 0, r.exit);
        assertEquals(command + ": " + r, "", r.err);
        return r.out;
    }

    private static boolean installed(ApplianceHome home, String bsn) throws Exception {
        for (String line : run(home, "lb -s").split("\n")) {
            if (line.contains("|" + bsn + " ")) {
                return true;
            }
        }
        return false;
    }

    private static boolean active(ApplianceHome home, String bsn) throws Exception {
        for (String line : run(home, "lb -s").split("\n")) {
            if (line.contains("|" + bsn + " ") && line.contains("|Active ")) {
                return true;
            }
        }
        return false;
    }
}
