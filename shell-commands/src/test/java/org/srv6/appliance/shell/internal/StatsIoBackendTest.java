package org.srv6.appliance.shell.internal;

import static org.junit.Assert.assertEquals;

import java.lang.reflect.Field;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.Map;

import org.junit.Test;
import org.srv6.appliance.api.dataplane.Counters;
import org.srv6.appliance.api.dataplane.PortService;
import org.srv6.appliance.api.dataplane.StatsSection;

/** {@code srv6:stats} ends with the I/O backend of the event loops and how many loops there are. */
public class StatsIoBackendTest {

    private static Counters counters(String backend, int loops) {
        return new Counters() {
            @Override
            public Map<String, Long> drops() {
                return Map.of("no-route", 4L);
            }

            @Override
            public long[] loopBusyNanos() {
                return new long[loops];
            }

            @Override
            public String ioBackend() {
                return backend;
            }

            @Override
            public long rxPackets() {
                return 0;
            }

            @Override
            public long buffersHeld() {
                return 0;
            }
        };
    }

    private static String stats(Counters c) throws Exception {
        return stats(c, List.of());
    }

    @SuppressWarnings("unchecked")
    private static String stats(Counters c, List<StatsSection> extra) throws Exception {
        ShellCommands s = new ShellCommands();
        Field sf = ShellCommands.class.getDeclaredField("sections");
        sf.setAccessible(true);
        ((List<StatsSection>) sf.get(s)).addAll(extra);
        PortService ports = (PortService) Proxy.newProxyInstance(PortService.class.getClassLoader(),
                new Class<?>[] {PortService.class}, (p, m, a) -> {
                    if (m.getName().equals("list")) {
                        return List.of();
                    }
                    throw new UnsupportedOperationException(m.getName());
                });
        for (String[] f : new String[][] {{"ports"}, {"counters"}}) {
            Field x = ShellCommands.class.getDeclaredField(f[0]);
            x.setAccessible(true);
            x.set(s, f[0].equals("ports") ? ports : c);
        }
        return s.stats();
    }

    @Test
    public void theBackendAndTheLoopCountCloseTheStats() throws Exception {
        String head = String.format("%-12s %12s %14s %12s %14s %10s %10s%n",
                "PORT", "RX-PACKETS", "RX-BYTES", "TX-PACKETS", "TX-BYTES", "RX-DROP", "TX-DROP");
        assertEquals(head + "drops:\n  no-route                 4\nio: io_uring, 1 loop", stats(counters("io_uring", 1)));
        assertEquals(head + "drops:\n  no-route                 4\nio: epoll, 2 loops", stats(counters("epoll", 2)));
        assertEquals("a provider that does not say: no line", head + "drops:\n  no-route                 4",
                stats(counters("", 1)));
    }

    @Test
    public void anotherBundlesSectionFollowsUnderItsName() throws Exception {
        StatsSection lcp = new StatsSection() {
            @Override
            public String section() {
                return "lcp";
            }

            @Override
            public String stats() {
                return "netns cp: following\nmessages 7 applied 6 refused 1\n";
            }
        };
        String head = String.format("%-12s %12s %14s %12s %14s %10s %10s%n",
                "PORT", "RX-PACKETS", "RX-BYTES", "TX-PACKETS", "TX-BYTES", "RX-DROP", "TX-DROP");
        assertEquals(head + "drops:\n  no-route                 4\nio: epoll, 1 loop\nlcp:\n  netns cp: following\n"
                + "  messages 7 applied 6 refused 1", stats(counters("epoll", 1), List.of(lcp)));
    }
}
