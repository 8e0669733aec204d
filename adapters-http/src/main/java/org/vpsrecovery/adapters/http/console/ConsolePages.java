package org.vpsrecovery.adapters.http.console;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.vpsrecovery.adapters.http.console.ConsoleViews.AxisLabel;
import org.vpsrecovery.adapters.http.console.ConsoleViews.Bar;
import org.vpsrecovery.adapters.http.console.ConsoleViews.Chart;
import org.vpsrecovery.adapters.http.console.ConsoleViews.EventRow;
import org.vpsrecovery.adapters.http.console.ConsoleViews.ExpiringRow;
import org.vpsrecovery.adapters.http.console.ConsoleViews.Option;
import org.vpsrecovery.adapters.http.console.ConsoleViews.ServerRow;
import org.vpsrecovery.adapters.http.console.ConsoleViews.SummaryRow;
import org.vpsrecovery.adapters.http.facade.AuditJson.EventJson;
import org.vpsrecovery.adapters.http.facade.AuditJsonMapper;
import org.vpsrecovery.adapters.http.facade.AuditReportParameters;
import org.vpsrecovery.application.operation.OperationsInFlight;
import org.vpsrecovery.domain.audit.ChainVerification;
import org.vpsrecovery.domain.audit.Operation;
import org.vpsrecovery.domain.audit.Outcome;
import org.vpsrecovery.domain.report.AuditEventPage;
import org.vpsrecovery.domain.report.AuditSummary;
import org.vpsrecovery.domain.report.RecoverabilityReport;
import org.vpsrecovery.domain.report.ServerRecoverability;
import org.vpsrecovery.domain.report.SummaryBucket;

/** The use cases' answers as the console's view models: text formatted, charts laid out. */
final class ConsolePages {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'", Locale.ROOT)
            .withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("MM-dd", Locale.ROOT).withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter MONTH = DateTimeFormatter.ofPattern("yyyy-MM", Locale.ROOT).withZone(ZoneOffset.UTC);
    /** The timeline's filters, in the form's order; cursor is the pager's. */
    private static final List<String> FILTERS = List.of("team", "server_id", "operation", "outcome", "reason_code",
            "from", "to", "request_id", "actor", "limit");

    private ConsolePages() {
    }

    static String time(Instant at) {
        return TIME.format(at);
    }

    /** "3 d 4 h", "2 h 5 min", "40 s": what a person reads at a glance. */
    static String age(Duration age) {
        Duration d = age.isNegative() ? Duration.ZERO : age;
        if (d.toDays() > 0) {
            return d.toDays() + " d " + d.toHoursPart() + " h";
        }
        if (d.toHours() > 0) {
            return d.toHours() + " h " + d.toMinutesPart() + " min";
        }
        if (d.toMinutes() > 0) {
            return d.toMinutes() + " min";
        }
        return d.toSeconds() + " s";
    }

    static ConsoleViews.Dashboard dashboard(RecoverabilityReport report, ConsoleSettings settings) {
        Instant now = report.generatedAt();
        List<ServerRow> rows = new ArrayList<>();
        List<ExpiringRow> expiring = new ArrayList<>();
        for (ServerRecoverability s : report.servers()) {
            Duration objective = settings.objective(s.team());
            Optional<Instant> newestAt = newest(s);
            String state;
            String label;
            if (newestAt.isEmpty()) {
                state = "none";
                label = "No recovery point";
            } else if (Duration.between(newestAt.get(), now).compareTo(objective) > 0) {
                state = "stale";
                label = "Older than target";
            } else {
                state = "ok";
                label = "Within target";
            }
            String newest = newestAt.isEmpty() ? "none"
                    : s.newestSnapshot().filter(sn -> sn.createdAt().equals(newestAt.get()))
                    .map(sn -> "snapshot " + sn.id().value() + " (" + sn.name() + ")")
                    .orElseGet(() -> s.newestBackup().map(b -> b.type().label() + " backup " + b.id().value()).orElse(""));
            rows.add(new ServerRow(Long.toString(s.server().value()), s.team().value(), state, label, newest,
                    newestAt.map(ConsolePages::time).orElse("-"),
                    newestAt.map(at -> age(Duration.between(at, now))).orElse("-"), age(objective)));
            s.expiringSoon().forEach(b -> expiring.add(new ExpiringRow(Long.toString(s.server().value()), s.team().value(),
                    Long.toString(b.id().value()), time(b.expiresAt().orElseThrow()),
                    age(Duration.between(now, b.expiresAt().orElseThrow())))));
        }
        // The worst first: none, then stale, then the rest; by server within each.
        Map<String, Integer> order = Map.of("none", 0, "stale", 1, "ok", 2);
        rows.sort(Comparator.comparing((ServerRow r) -> order.get(r.state())).thenComparing(r -> Long.parseLong(r.server())));
        long none = rows.stream().filter(r -> r.state().equals("none")).count();
        long stale = rows.stream().filter(r -> r.state().equals("stale")).count();
        return new ConsoleViews.Dashboard(time(now), List.copyOf(rows), List.copyOf(expiring), none, stale,
                rows.size() - none - stale, report.expiringWithin().toDays() + " days");
    }

    private static Optional<Instant> newest(ServerRecoverability s) {
        Optional<Instant> snapshot = s.newestSnapshot().map(sn -> sn.createdAt());
        Optional<Instant> backup = s.newestBackup().map(b -> b.createdAt());
        if (snapshot.isPresent() && backup.isPresent()) {
            return Optional.of(snapshot.get().isAfter(backup.get()) ? snapshot.get() : backup.get());
        }
        return snapshot.or(() -> backup);
    }

    private static Map<String, String> given(Map<String, List<String>> query, List<String> names) {
        Map<String, String> given = new LinkedHashMap<>();
        for (String name : names) {
            Optional.ofNullable(query.get(name)).filter(v -> !v.isEmpty()).map(v -> v.get(0))
                    .filter(v -> !v.isBlank()).ifPresent(v -> given.put(name, v));
        }
        return given;
    }

    /** The timeline's form as given, with what was refused in it, and no events. */
    static ConsoleViews.Timeline timelineRefused(Map<String, List<String>> query, ConsoleViews.FieldError error) {
        Map<String, String> given = given(query, FILTERS);
        return new ConsoleViews.Timeline(given.getOrDefault("team", ""), given.getOrDefault("server_id", ""),
                options(Operation.values(), given.get("operation")), options(Outcome.Kind.values(), given.get("outcome")),
                given.getOrDefault("reason_code", ""), given.getOrDefault("from", ""), given.getOrDefault("to", ""),
                given.getOrDefault("request_id", ""), given.getOrDefault("actor", ""), given.getOrDefault("limit", ""),
                List.of(), "", "/console/audit/events", "", false, error);
    }

    static ConsoleViews.Timeline timeline(Map<String, List<String>> query, AuditEventPage page) {
        Map<String, String> given = given(query, FILTERS);
        List<EventRow> rows = page.entries().stream().map(entry -> {
            EventJson e = AuditJsonMapper.entry(entry);
            // A row a later release wrote is shown with its names as stored and says so (ADR 0005, session 49).
            String reason = e.reasonCode() == null ? "" : e.reasonCode();
            if (e.writtenByALaterRelease() != null) {
                reason = (reason.isEmpty() ? "" : reason + " ") + "(written by a later release: "
                        + e.writtenByALaterRelease() + " is not known to this release)";
            }
            // Lower case, as the filters name them (and as the outcome's colour class is spelled).
            return new EventRow(e.sequence(), time(Instant.parse(e.occurredAt())), e.team(),
                    e.operation().toLowerCase(Locale.ROOT), e.serverId() == null ? "" : e.serverId().toString(),
                    e.outcome().toLowerCase(Locale.ROOT), reason, e.actor() == null ? "" : e.actor().subject(),
                    e.requestId());
        }).toList();
        String next = page.nextBefore().isPresent()
                ? "/console/audit/events" + queryString(given, Map.of("cursor",
                AuditReportParameters.cursorOf(page.nextBefore().getAsLong())))
                : "";
        Map<String, String> csvFilters = new LinkedHashMap<>(given);
        csvFilters.remove("limit");
        return new ConsoleViews.Timeline(given.getOrDefault("team", ""), given.getOrDefault("server_id", ""),
                options(Operation.values(), given.get("operation")), options(Outcome.Kind.values(), given.get("outcome")),
                given.getOrDefault("reason_code", ""), given.getOrDefault("from", ""), given.getOrDefault("to", ""),
                given.getOrDefault("request_id", ""), given.getOrDefault("actor", ""), given.getOrDefault("limit", ""),
                rows, next, "/console/audit/events" + queryString(given, Map.of()),
                "/console/audit/events.csv" + queryString(csvFilters, Map.of()), query.containsKey("cursor"),
                ConsoleViews.FieldError.NONE);
    }

    private static List<Option> options(Enum<?>[] values, String selected) {
        List<Option> options = new ArrayList<>();
        options.add(new Option("", "any", selected == null));
        for (Enum<?> value : values) {
            String wire = value.name().toLowerCase(Locale.ROOT);
            options.add(new Option(wire, wire.replace('_', ' '), wire.equalsIgnoreCase(selected == null ? "" : selected)));
        }
        return List.copyOf(options);
    }

    private static String queryString(Map<String, String> filters, Map<String, String> extra) {
        Map<String, String> all = new LinkedHashMap<>(filters);
        all.putAll(extra);
        if (all.isEmpty()) {
            return "";
        }
        return "?" + all.entrySet().stream()
                .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
    }

    static ConsoleViews.Verification verification(ChainVerification verification) {
        return switch (verification) {
            case ChainVerification.Intact intact -> new ConsoleViews.Verification(true, "Intact", Stream.concat(Stream.of(
                    intact.eventsChecked() + " events checked in order; every hash links to the one before.",
                    "Head hash: " + intact.head().hex(),
                    intact.checkpointsChecked() + " signed checkpoints compared.",
                    intact.latestCheckpoint().map(c -> "Latest checkpoint: event " + c.sequence() + ", taken "
                            + time(c.takenAt()) + ", key " + c.keyId() + ".").orElse("No signed checkpoint yet.")),
                    // The database went back: said, not left to look like a chain with nothing before it (ADR 0022).
                    intact.cutAt().map(c -> "Cut: " + c.cut().orElseThrow().describe(c) + ".").stream()).toList());
            case ChainVerification.Broken broken -> new ConsoleViews.Verification(false, "Broken", Stream.concat(Stream.of(
                    "First fault at event " + broken.sequence() + ": " + broken.fault().name().toLowerCase(Locale.ROOT)
                            .replace('_', ' ') + ".",
                    broken.explanation(),
                    broken.checkpointsChecked() + " signed checkpoints compared."),
                    // Still true when something is broken, and it may explain the break (ADR 0022, session 52).
                    broken.cutAt().map(c -> "Cut: " + c.cut().orElseThrow().describe(c) + ".").stream()).toList());
        };
    }

    /** A team's changes waiting for a second person (ADR 0043), as the API lists them. */
    static final String PENDING_CHANGES_PATH = "/api/v1/changes/?state=pending_approval";

    static ConsoleViews.Operations operations(OperationsInFlight inFlight, Instant now) {
        return new ConsoleViews.Operations(inFlight.operations().stream().map(o -> {
            // From when it began: an approved operation's window is its run's, not the wait for its approval (ADR 0040).
            long window = Math.max(1, Duration.between(o.startedAt(), o.deadline()).toSeconds());
            long elapsed = Math.max(0, Duration.between(o.startedAt(), now).toSeconds());
            int percent = (int) Math.min(100, elapsed * 100 / window);
            String label = age(Duration.ofSeconds(elapsed)) + " of a " + age(Duration.ofSeconds(window))
                    + " tracking window; " + o.checks() + " checks at VPS.org";
            // Waiting for a second person: no window runs yet, so it says until when and who asked (ADR 0040, session 51).
            String awaiting = o.awaitsApproval() ? o.approval().map(asked -> "waiting for approval until "
                    + time(asked.expiresAt()) + ", asked by " + asked.requester().subject()).orElse("") : "";
            return new ConsoleViews.OperationRow(o.id().toString(), o.kind().name().toLowerCase(Locale.ROOT).replace('_', ' '),
                    Long.toString(o.server().value()), o.team().value(), o.state().wireName().replace('_', ' '),
                    time(o.acceptedAt()), time(o.updatedAt()), time(o.deadline()), o.checks(), o.note().orElse(""),
                    percent, label, awaiting, o.requestId().value(), "/api/v1/operations/" + o.id() + "/");
        }).toList(), inFlight.more(), PENDING_CHANGES_PATH);
    }

    private static final List<Outcome.Kind> CHARTED = List.of(Outcome.Kind.COMPLETED, Outcome.Kind.ACCEPTED,
            Outcome.Kind.REJECTED, Outcome.Kind.FAILED);

    private static final List<String> SUMMARY_FORM = List.of("from", "to", "bucket");

    /** The summary's form as given (From and To as typed, the bucket chosen, or {@code shown}'s). */
    private static ConsoleViews.SummaryForm summaryForm(Map<String, List<String>> query, String shown,
                                                        ConsoleViews.FieldError error) {
        Map<String, String> given = given(query, SUMMARY_FORM);
        String bucket = given.getOrDefault("bucket", shown);
        List<Option> buckets = Stream.of("day", "month").map(b -> new Option(b, b, b.equalsIgnoreCase(bucket))).toList();
        return new ConsoleViews.SummaryForm(given.getOrDefault("from", ""), given.getOrDefault("to", ""), buckets, error);
    }

    /** The summary's form as given, with what was refused in it, and no summary. */
    static ConsoleViews.Summary summaryRefused(Map<String, List<String>> query, ConsoleViews.FieldError error) {
        return new ConsoleViews.Summary("", "", "", "", null, null, List.of(), "", 0, summaryForm(query, "day", error));
    }

    static ConsoleViews.Summary summary(AuditSummary summary, Map<String, List<String>> given) {
        var query = summary.query();
        boolean monthly = query.bucket() == SummaryBucket.MONTH;
        // Events per bucket and outcome, every team and operation together; other outcomes as "other". Every bucket of
        // the period has its slot, an empty one too: without, bars of days apart stood side by side (session 52).
        TreeMap<Instant, Map<String, Long>> perBucket = new TreeMap<>();
        ZonedDateTime slotStart = query.from().atZone(ZoneOffset.UTC).truncatedTo(ChronoUnit.DAYS);
        if (monthly) {
            slotStart = slotStart.withDayOfMonth(1);
        }
        // Bounded: a SummaryQuery covers at most MAX_DAYS days, and this page by day a year (the controller's check).
        while (slotStart.toInstant().isBefore(query.to())) {
            perBucket.put(slotStart.toInstant(), new LinkedHashMap<>());
            slotStart = monthly ? slotStart.plusMonths(1) : slotStart.plusDays(1);
        }
        for (AuditSummary.Count c : summary.counts()) {
            String kind = CHARTED.contains(c.outcome()) ? c.outcome().name().toLowerCase(Locale.ROOT) : "other";
            perBucket.computeIfAbsent(c.bucketStart(), k -> new LinkedHashMap<>()).merge(kind, c.events(), Long::sum);
        }
        // A day's label says its year when the period spans more than one, or it reads out of order at New Year.
        boolean yearsApart = query.from().atZone(ZoneOffset.UTC).getYear()
                != query.to().minusNanos(1).atZone(ZoneOffset.UTC).getYear();
        DateTimeFormatter bucketLabel = monthly ? MONTH
                : yearsApart ? DateTimeFormatter.ISO_LOCAL_DATE.withZone(ZoneOffset.UTC) : DAY;
        List<String> kinds = new ArrayList<>(CHARTED.stream().map(k -> k.name().toLowerCase(Locale.ROOT)).toList());
        kinds.add("other");
        int width = 720;
        int height = 260;
        double left = 48;
        double bottom = 30;
        double top = 12;
        double plotHeight = height - bottom - top;
        long max = perBucket.values().stream().mapToLong(m -> m.values().stream().mapToLong(Long::longValue).sum())
                .max().orElse(0);
        double scale = max == 0 ? 0 : plotHeight / max;
        int buckets = Math.max(1, perBucket.size());
        double slot = (width - left - 8) / buckets;
        double barWidth = Math.min(40, Math.max(2, slot * 0.7));
        List<Bar> bars = new ArrayList<>();
        List<AxisLabel> labels = new ArrayList<>();
        int every = Math.max(1, buckets / 10);
        int i = 0;
        for (var bucket : perBucket.entrySet()) {
            double x = left + i * slot + (slot - barWidth) / 2;
            double y = top + plotHeight;
            String when = bucketLabel.format(bucket.getKey());
            for (String kind : kinds) {
                long n = bucket.getValue().getOrDefault(kind, 0L);
                if (n > 0) {
                    double h = n * scale;
                    y -= h;
                    bars.add(new Bar(round(x), round(y), round(barWidth), round(h), kind, when + ": " + n + " " + kind));
                }
            }
            if (i % every == 0) {
                labels.add(new AxisLabel(round(x + barWidth / 2), height - 10, when));
            }
            i++;
        }
        labels.add(new AxisLabel(left - 6, top + 4, Long.toString(max)));
        labels.add(new AxisLabel(left - 6, top + plotHeight, "0"));
        List<Option> legend = kinds.stream().map(k -> new Option(k, k, false)).toList();
        Chart perBucketChart = new Chart("per-bucket", "Events per " + (monthly ? "month" : "day") + " by outcome",
                "Stacked bars: events of every team and operation in each " + (monthly ? "month" : "day")
                        + ", split by outcome; the table below lists the counts.", width, height, bars, labels, legend);

        // The top rejection reasons as horizontal bars.
        List<Bar> reasonBars = new ArrayList<>();
        List<AxisLabel> reasonLabels = new ArrayList<>();
        long maxReason = summary.topRejections().stream().mapToLong(AuditSummary.ReasonCount::events).max().orElse(0);
        double rowHeight = 22;
        double labelWidth = 260;
        int j = 0;
        for (AuditSummary.ReasonCount r : summary.topRejections()) {
            double w = maxReason == 0 ? 0 : (width - labelWidth - 60) * r.events() / (double) maxReason;
            double y = 6 + j * rowHeight;
            reasonBars.add(new Bar(labelWidth, y, round(Math.max(1, w)), rowHeight - 6, "rejected",
                    r.reason().name() + ": " + r.events()));
            reasonLabels.add(new AxisLabel(labelWidth - 6, y + rowHeight - 10, r.reason().name()));
            reasonLabels.add(new AxisLabel(labelWidth + w + 34, y + rowHeight - 10, Long.toString(r.events())));
            j++;
        }
        Chart reasons = new Chart("reasons", "Top rejection reasons", "Horizontal bars: how often each reason code refused "
                + "a request in the period.", width, (int) (12 + Math.max(1, j) * rowHeight), reasonBars, reasonLabels,
                List.of());

        List<SummaryRow> rows = summary.counts().stream()
                .map(c -> new SummaryRow((monthly ? MONTH : DateTimeFormatter.ISO_LOCAL_DATE.withZone(ZoneOffset.UTC))
                        .format(c.bucketStart()), c.team().map(t -> t.value()).orElse("every team"),
                        c.operation().name().toLowerCase(Locale.ROOT),
                        c.outcome().name().toLowerCase(Locale.ROOT), c.events()))
                .toList();
        String rate = String.format(Locale.ROOT, "%.1f %%", summary.providerFailureRate() * 100);
        return new ConsoleViews.Summary(query.team().map(t -> t.value()).orElse("every team"), time(query.from()),
                time(query.to()), monthly ? "month" : "day", perBucketChart, reasons, rows, rate, summary.providerCalls(),
                summaryForm(given, monthly ? "month" : "day", ConsoleViews.FieldError.NONE));
    }

    private static double round(double v) {
        return Math.round(v * 10) / 10.0;
    }
}
