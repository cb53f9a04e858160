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
            // as the core does: every non-comment line with its number; bad bytes are a problem of that line
            List<String> lines;
            try {
                lines = new String(Files.readAllBytes(file), StandardCharsets.UTF_8).lines().toList();
            } catch (IOException e) {
                return true;
            }
            byte[] raw;
            try {
                raw = Files.readAllBytes(file);
            } catch (IOException e) {
                return true;
            }
            String[] rawLines = new String(raw, StandardCharsets.ISO_8859_1).split("\n", -1);
            for (int i = 0; i < lines.size(); i++) {
                String l = lines.get(i).strip();
                if (l.isEmpty() || l.startsWith("#")) {
                    continue;
                }
                String problem = rawLines[i].chars().anyMatch(c -> c > 0x7f) ? "not valid UTF-8" : null;
                try {
                    executor.execute(file.getFileName().toString(), i + 1, l, problem);
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
                new ConfigReplay.Rejected("srv6.conf", 3, "ip rte show", "unknown object 'rte'; expected link, addr, route, neigh, sr"),
                new ConfigReplay.Rejected("srv6.conf", 6, "ip -6 route add fc00::/129 dev zz0",
                        "invalid prefix 'fc00::/129'; expected ADDRESS/LEN with LEN 0-128")), r.rejected());
        assertEquals(List.of("addTap [zz0, 0]", "add [zz0, fc00::1/64]"), calls.subList(0, 2));
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
        assertEquals(List.of(new ConfigReplay.Rejected("srv6.conf", 1, "ip link add zz0 type tap", "port service closed")), r.rejected());
    }

    @Test
    public void aLineWithABadByteIsRejectedWithItsNumberAndTheOthersAreApplied() throws IOException {
        Path f = file(new byte[] {'i', 'p', ' ', 'x', (byte) 0xff, '\n', 'i', 'p', ' ', 'l', 'i', 'n', 'k', ' ', 'a', 'd',
            'd', ' ', 'z', 'z', '0', ' ', 't', 'y', 'p', 'e', ' ', 't', 'a', 'p', '\n'});
        BootReplay.Result r = BootReplay.run(new Config(f), ip::run);
        assertEquals(1, r.applied());
        assertNull(r.error());
        assertEquals(1, r.rejected().size());
        assertEquals("not valid UTF-8", r.rejected().get(0).reason());
        assertEquals(1, r.rejected().get(0).line());
        assertTrue(ShellCommands.status(r), ShellCommands.status(r).contains("\n  line 1: not valid UTF-8: ip x"));
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
