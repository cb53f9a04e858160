package org.srv6.appliance.itests.osgi;

import java.io.OutputStream;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Collects Netty's leak reports inside the test container. Netty reports leaks through whatever
 * logging it finds in the framework: SLF4J from the test container's pax-logging (printed on the
 * console), else java.util.logging. Both are watched between {@link #start()} and {@link #stop()}.
 */
final class LeakWatch {
    private final List<String> leaks = new ArrayList<>();
    private final Handler handler = new Handler() {
        @Override
        public void publish(LogRecord r) {
            String m = r.getMessage();
            if (m != null && m.contains("LEAK:")) {
                synchronized (leaks) {
                    leaks.add(m);
                }
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };
    private PrintStream savedOut;
    private PrintStream savedErr;

    void start() {
        Logger.getLogger("").addHandler(handler);
        Logger.getLogger("io.netty").addHandler(handler);
        savedOut = System.out;
        savedErr = System.err;
        System.setOut(watch(savedOut));
        System.setErr(watch(savedErr));
    }

    void stop() {
        Logger.getLogger("").removeHandler(handler);
        Logger.getLogger("io.netty").removeHandler(handler);
        System.setOut(savedOut);
        System.setErr(savedErr);
    }

    /** @return the leak reports seen so far */
    List<String> reports() {
        synchronized (leaks) {
            return List.copyOf(leaks);
        }
    }

    private PrintStream watch(PrintStream target) {
        return new PrintStream(new OutputStream() {
            private final StringBuilder line = new StringBuilder();

            @Override
            public synchronized void write(int b) {
                target.write(b);
                if (b == '\n') {
                    if (line.indexOf("LEAK:") >= 0) {
                        synchronized (leaks) {
                            leaks.add(line.toString());
                        }
                    }
                    line.setLength(0);
                } else if (line.length() < 4096) {
                    line.append((char) b);
                }
            }

            @Override
            public void flush() {
                target.flush();
            }
        }, true);
    }
}
