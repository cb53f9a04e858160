package org.srv6.appliance.itests.dist;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import org.junit.After;
import org.junit.Before;
import org.junit.Test;

/** The interactive console in a real terminal (tmux): prompt, Tab completion, history. */
public class ConsoleIT {

    private ApplianceHome app;
    private String session;

    @Before
    public void openConsole() throws Exception {
        app = ApplianceHome.copy(false);
        session = "srv6cons" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x100000, 0xffffff));
        long t0 = System.nanoTime();
        ApplianceHome.Run tmux = ApplianceHome.exec(null, List.of("tmux", "new-session", "-d", "-s", session,
                "-x", "160", "-y", "50", app.home.resolve("bin/srv6") + " console"));
        assertEquals("tmux: " + tmux, 0, tmux.exit);
        assertTrue("no srv6> prompt within 10 s:\n" + screen(), waitForScreen("srv6> ", 10_000));
        System.out.printf("console prompt after %d ms%n", (System.nanoTime() - t0) / 1_000_000);
    }

    @After
    public void closeConsole() throws Exception {
        if (session != null) {
            ApplianceHome.exec(null, List.of("tmux", "kill-session", "-t", session));
        }
        if (app != null) {
            // the console's JVM ends with its terminal; wait so the copy can be removed
            for (int i = 0; i < 50 && Files.exists(app.socket()); i++) {
                Thread.sleep(100);
            }
            app.close();
        }
    }

    @Test
    public void runningConsoleIsSeenByStatusAndClient() throws Exception {
        ApplianceHome.Run status = app.srv6("status");
        assertEquals(status.toString(), 0, status.exit);
        ApplianceHome.Run start = app.srv6("start");
        assertEquals("a second instance started next to the console: " + start, 1, start.exit);
        assertEquals("ok\n", app.srv6("client", "echo ok").out);
    }

    @Test
    public void tabCompletesACommandName() throws Exception {
        keys("bundlel", "Tab");
        assertTrue("Tab did not complete bundlel:\n" + screen(), waitForScreen("srv6> bundlelevel", 3000));
    }

    @Test
    public void upRecallsThePreviousCommandAndHistoryIsKeptInVar() throws Exception {
        keys("echo first-line-42", "Enter");
        assertTrue(waitForScreen("\nfirst-line-42", 3000));
        keys("Up");
        assertTrue("Up did not recall the command:\n" + screen(), waitForLastPrompt("srv6> echo first-line-42", 3000));
        keys("C-u", "C-d");
        assertTrue("history file not written to var/",
                waitFor(() -> Files.exists(app.home.resolve("var/.srv6_history"))
                        && Files.readString(app.home.resolve("var/.srv6_history")).contains("echo first-line-42"), 5000));
    }

    private void keys(String... keys) throws Exception {
        for (String k : keys) {
            ApplianceHome.exec(null, List.of("tmux", "send-keys", "-t", session, k));
        }
    }

    private String screen() throws Exception {
        return ApplianceHome.exec(null, List.of("tmux", "capture-pane", "-p", "-t", session)).out;
    }

    private boolean waitForScreen(String text, long millis) throws Exception {
        return waitFor(() -> screen().contains(text), millis);
    }

    private boolean waitForLastPrompt(String text, long millis) throws Exception {
        return waitFor(() -> {
            String last = "";
            for (String line : screen().split("\n")) {
                if (line.startsWith("srv6> ")) {
                    last = line;
                }
            }
            return last.startsWith(text);
        }, millis);
    }

    interface Check {
        boolean ok() throws Exception;
    }

    private static boolean waitFor(Check check, long millis) throws Exception {
        long deadline = System.currentTimeMillis() + millis;
        do {
            if (check.ok()) {
                return true;
            }
            Thread.sleep(100);
        } while (System.currentTimeMillis() < deadline);
        return check.ok();
    }
}
