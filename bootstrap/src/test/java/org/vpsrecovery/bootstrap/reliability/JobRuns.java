package org.vpsrecovery.bootstrap.reliability;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.vpsrecovery.bootstrap.process.ServiceProcess;

/**
 * The runs of the cluster jobs as the service processes log them ({@code -Dvpsr.jobs.log-level=DEBUG}:
 * a line as each run begins and ends, ClusterJobs), so a test can tell which process ran which job
 * when, and whether two runs ever overlapped.
 */
final class JobRuns {

    /** One run of one job by one process; {@code end} is null while it runs (or when the process was killed in it). */
    record Run(String process, String job, Instant begin, Instant end) {

        boolean within(Instant from, Instant to) {
            return end != null && !begin.isBefore(from) && !end.isAfter(to);
        }

        /** Whether {@code at} falls in this run; the log's timestamps are cut to the millisecond. */
        boolean covers(Instant at) {
            return end != null && !at.isBefore(begin) && at.isBefore(end.plusMillis(1));
        }
    }

    private static final Pattern LINE = Pattern.compile(
            "^(\\S+) DEBUG .*ClusterJobs - job (\\S+) (begins|ends)$", Pattern.MULTILINE);

    private JobRuns() {
    }

    /** Every run of {@code job} in the logs of these processes, oldest first. */
    static List<Run> of(String job, ServiceProcess... processes) {
        List<Run> runs = new ArrayList<>();
        for (ServiceProcess process : processes) {
            Map<String, Instant> open = new HashMap<>();
            Matcher line = LINE.matcher(process.stdout());
            while (line.find()) {
                if (!line.group(2).equals(job)) {
                    continue;
                }
                Instant at = Instant.parse(line.group(1));
                if (line.group(3).equals("begins")) {
                    open.put(job, at);
                } else if (open.containsKey(job)) {
                    runs.add(new Run(label(process), job, open.remove(job), at));
                }
            }
            open.values().forEach(begin -> runs.add(new Run(label(process), job, begin, null)));
        }
        runs.sort(Comparator.comparing(Run::begin));
        return runs;
    }

    private static String label(ServiceProcess process) {
        return process.name() + " pid " + process.pid();
    }
}
