package org.srv6.appliance.api.dataplane;

/**
 * A capture of {@code srv6:capture}: the port, where its frames go ({@code -} for the client's
 * standard output), frames written, frames dropped because the writer lagged, the frame limit
 * (0: none), the filter text (empty: every frame), when it started, and whether it still runs.
 */
public record CaptureInfo(String port, String file, long frames, long dropped, long count, String filter,
        long startMillis, boolean running) {
}
