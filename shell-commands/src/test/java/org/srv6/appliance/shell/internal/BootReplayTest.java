package org.srv6.appliance.shell.internal;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.charset.CharacterCodingException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.srv6.appliance.api.dataplane.AddressService;
import org.srv6.appliance.api.dataplane.ConfigReplay;
import org.srv6.appliance.api.dataplane.ConfigService;
import org.srv6.appliance.api.dataplane.DataplaneException;
import org.srv6.appliance.api.dataplane.NeighborService;
import org.srv6.appliance.api.dataplane.PortService;
import org.srv6.appliance.api.dataplane.RouteService;
import org.srv6.appliance.api.dataplane.SrService;

/** The boot replay: every line applied or kept with its number and reason; the result says why nothing was. */
public class BootReplayTest {
    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    /** The core's side of a replay: strict UTF-8, comments and blank lines left out, once per lifetime. */
    private static final class Config implements ConfigService {
        final Path file;
        boolean replayed;

        Config(Path file) {
            this.file = file;
        }

        @Override public List<String> running() { return List.of(); }
        @Override public void save(Path f) { }
        @Override public Path file() { return file; }
        @Override public boolean replaying() { return false; }

        @Override
        public List<String> read(Path f) throws DataplaneException {
            try {
                List<String> out = new ArrayList<>();
                for (String l : Files.readAllLines(f, StandardCharsets.UTF_8)) {
                    if (!l.isBlank() && !l.strip().startsWith("#")) {
                        out.add(l.strip());
                    }
                }
                return out;
            } catch (CharacterCodingException e) {
                throw new DataplaneException("cannot read " + f + ": Input length = 1");
            } catch (IOException e) {
                throw new DataplaneException("cannot read " + f + ": " + e.getMessage());
            }
        }

        @Override
        public boolean replayOnce(LineExecutor executor) {
            if (replayed) {
                return false;
            }
            replayed = true;
            List<String> lines;
            try {
                lines = read(file);
            } catch (DataplaneException e) {
                return true;
            }
            for (String l : lines) {
                try {
                    executor.execute(l);
                } catch (RuntimeException e) {
                    // the core logs it
                }
            }
            return true;
        }
    }

    private final List<String> calls = new ArrayList<>();

    @SuppressWarnings("unchecked")
    private <T> T recorder(Class<T> type) {
        return (T) Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (p, m, a) -> {
            calls.add(m.getName() + (a == null ? "" : " " + List.of(a)));
            return m.getReturnType() == List.class ? List.of() : null;
        });
    }

    private final Ip ip = new Ip(new Ip.Services() {
        final PortService ps = recorder(PortService.class);
        final AddressService as = recorder(AddressService.class);
        final RouteService rs = recorder(RouteService.class);
        final NeighborService ns = recorder(NeighborService.class);
        final SrService sr = recorder(SrService.class);
        @Override public PortService portService() { return ps; }
        @Override public AddressService addresses() { return as; }
        @Override public RouteService routes() { return rs; }
        @Override public NeighborService neighbors() { return ns; }
        @Override public SrService sr() { return sr; }
    });

    private Path file(byte[] content) throws IOException {
        Path f = tmp.getRoot().toPath().resolve("srv6.conf");
        Files.write(f, content);
        return f;
    }

    @Test
    public void goodLinesAreAppliedAndRejectedLinesKeepTheirNumberAndReason() throws IOException {
        Path f = file(("# saved\n"
                + "ip link add zz0 type tap\n"
                + "ip rte show\n"
                + "\n"
                + "ip -6 addr add fc00::1/64 dev zz0\n"
                + "ip -6 route add fc00::/129 dev zz0\n"
                + "ip -6 route add fc00:1::/64 dev zz0 proto kernel metric 256\n").getBytes(StandardCharsets.UTF_8));
        BootReplay.Result r = BootReplay.run(new Config(f), ip::run);
        assertTrue(r.replayed());
        assertNull(r.error());
        assertEquals(3, r.applied());
        assertEquals(List.of(
                new ConfigReplay.Rejected(3, "ip rte show", "unknown object 'rte'; expected link, addr, route, neigh, sr"),
                new ConfigReplay.Rejected(6, "ip -6 route add fc00::/129 dev zz0",
                        "invalid prefix 'fc00::/129'; expected ADDRESS/LEN with LEN 0-128")), r.rejected());
        assertEquals(List.of("addTap [zz0, 1]", "add [zz0, fc00::1/64]"), calls.subList(0, 2));
        String status = ShellCommands.status(r);
        assertTrue(status, status.startsWith(f + ": 3 lines applied, 2 rejected, in "));
        assertTrue(status, status.contains("\n  line 3: unknown object 'rte'; expected link, addr, route, neigh, sr: ip rte show"));
    }

    @Test
    public void anExceptionFromAServiceRejectsTheLineInsteadOfEndingTheReplay() throws IOException {
        Path f = file("ip link add zz0 type tap\nip link add zz1 type tap\n".getBytes(StandardCharsets.UTF_8));
        int[] n = {0};
        BootReplay.Result r = BootReplay.run(new Config(f), line -> {
            if (n[0]++ == 0) {
                throw new IllegalStateException("port service closed");
            }
            return null;
        });
        assertEquals(1, r.applied());
        assertEquals(List.of(new ConfigReplay.Rejected(1, "ip link add zz0 type tap", "port service closed")), r.rejected());
    }

    @Test
    public void aFileTheCoreCannotReadIsReportedAsTheReplayError() throws IOException {
        Path f = file(new byte[] {'i', 'p', ' ', 'x', (byte) 0xff, '\n'});
        BootReplay.Result r = BootReplay.run(new Config(f), ip::run);
        assertEquals(0, r.applied());
        assertEquals("cannot read " + f + ": Input length = 1", r.error());
        assertEquals(f + ": not replayed: cannot read " + f + ": Input length = 1", ShellCommands.status(r));
    }

    @Test
    public void aSecondReplayOfTheSameCoreAppliesNothing() throws IOException {
        Config c = new Config(file("ip link add zz0 type tap\n".getBytes(StandardCharsets.UTF_8)));
        assertEquals(1, BootReplay.run(c, ip::run).applied());
        BootReplay.Result again = BootReplay.run(c, ip::run);
        assertFalse(again.replayed());
        assertEquals(0, again.applied());
        assertEquals(1, calls.size());
    }

    @Test
    public void anEmptyOrMissingFileIsACleanReplay() {
        BootReplay.Result r = BootReplay.run(new Config(tmp.getRoot().toPath().resolve("none.conf")), ip::run);
        assertTrue(r.replayed());
        assertNull(r.error());
        assertEquals(0, r.applied());
        assertEquals(List.of(), r.rejected());
    }

    @Test
    public void statusBeforeTheReplaySaysWhatIsMissing() {
        assertEquals("the saved configuration has not been replayed yet; expected the srv6-core bundle to be active",
                ShellCommands.status(null));
    }
}
