package org.vpsrecovery.adapters.http.provider;

import io.micronaut.core.annotation.AnnotationMetadataResolver;
import io.micronaut.core.convert.ConversionService;
import io.micronaut.core.io.ResourceResolver;
import io.micronaut.core.propagation.PropagatedContext;
import io.micronaut.core.type.Argument;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpMethod;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpRequest;
import io.micronaut.http.body.MessageBodyHandlerRegistry;
import io.micronaut.http.client.BlockingHttpClient;
import io.micronaut.http.client.DefaultHttpClientConfiguration;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.HttpClientConfiguration;
import io.micronaut.http.client.LoadBalancer;
import io.micronaut.http.client.exceptions.HttpClientException;
import io.micronaut.http.client.exceptions.HttpClientResponseException;
import io.micronaut.http.client.exceptions.ResponseClosedException;
import io.micronaut.http.client.netty.DefaultHttpClient;
import io.micronaut.http.client.netty.ssl.NettyClientSslBuilder;
import io.micronaut.http.codec.MediaTypeCodecRegistry;
import io.micronaut.json.JsonMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vpsrecovery.adapters.http.provider.ProviderFailures.Call;
import org.vpsrecovery.adapters.http.provider.ProviderFailures.Reply;
import org.vpsrecovery.adapters.http.provider.VpsOrgWireMapper.UnreadableAnswer;
import org.vpsrecovery.adapters.http.provider.wire.BackupPageWire;
import org.vpsrecovery.adapters.http.provider.wire.BackupWire;
import org.vpsrecovery.adapters.http.provider.wire.RestoreAnswerWire;
import org.vpsrecovery.adapters.http.provider.wire.SnapshotPageWire;
import org.vpsrecovery.adapters.http.provider.wire.SnapshotWire;
import org.vpsrecovery.domain.backup.Backup;
import org.vpsrecovery.domain.backup.BackupDraft;
import org.vpsrecovery.domain.backup.BackupId;
import org.vpsrecovery.domain.backup.BackupType;
import org.vpsrecovery.domain.port.BackupProvider;
import org.vpsrecovery.domain.port.ConsistentListBound;
import org.vpsrecovery.domain.port.ProviderFailure;
import org.vpsrecovery.domain.port.RestoreStarted;
import org.vpsrecovery.domain.port.SnapshotProvider;
import org.vpsrecovery.domain.server.ServerId;
import org.vpsrecovery.domain.snapshot.Snapshot;
import org.vpsrecovery.domain.snapshot.SnapshotDraft;
import org.vpsrecovery.domain.snapshot.SnapshotId;
import reactor.core.publisher.Mono;

/**
 * The VPS.org snapshot and backup API over HTTP, behind the domain's provider ports.
 *
 * <p>Blocking by design: the ports are synchronous and are called from the application's worker
 * threads. The Micronaut client underneath is asynchronous (Netty); this class waits on it through
 * {@link BlockingHttpClient}, which refuses to run on a Netty event loop, so never call the ports
 * from a non-blocking controller or a reactive chain without moving to a blocking executor first. The one
 * exception is {@link #listSnapshotsWhenAnswered}, made for an event loop: it sends the first page through the
 * reactive client and moves to a blocking executor for whatever would wait.
 *
 * <p>Every failure of the provider or of the network reaches the caller as a {@link ProviderFailure}
 * (mapping and retry rules: ADR 0010).
 */
public final class VpsOrgClient implements SnapshotProvider, BackupProvider, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(VpsOrgClient.class);
    private static final String USER_AGENT = "vps-recovery/0.1 (+VPS.org adapter)";
    private static final Argument<byte[]> BYTES = Argument.of(byte[].class);

    /**
     * A restore's 2xx without a body (a 204, or a 200/202 with none) read as {@code {}}: VPS.org said yes, and naming
     * nothing is what {@code {}} says too. A create's empty answer stays unreadable: it lacks the created id.
     */
    private static final RestoreAnswerWire NO_RESTORE_ANSWER = new RestoreAnswerWire(null, null, null, null, null);

    private final VpsOrgSettings settings;
    private final HttpClient http;
    private final BlockingHttpClient blocking;
    private final JsonMapper json;
    private final VpsOrgWireMapper mapper = new VpsOrgWireMapper();
    private final ProviderFailures failures;
    private final ProviderResilience resilience;

    /** The client takes ownership of {@code http} and closes it in {@link #close()}. */
    public VpsOrgClient(VpsOrgSettings settings, HttpClient http, JsonMapper json, Clock clock) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.http = Objects.requireNonNull(http, "http client");
        this.blocking = http.toBlocking();
        this.json = Objects.requireNonNull(json, "json mapper");
        this.failures = new ProviderFailures(settings.apiToken(), json, Objects.requireNonNull(clock, "clock"));
        this.resilience = new ProviderResilience(settings.retry(), settings.circuitBreaker(), settings.pool(),
                settings.connectTimeout().plus(settings.readTimeout()), settings.maxHold(),
                settings.holdWithoutRetryAfter());
    }

    /** A client with its own Micronaut HTTP client and the default JSON mapper (tests, tools). */
    public static VpsOrgClient connect(VpsOrgSettings settings) {
        return new VpsOrgClient(settings, httpClient(settings), JsonMapper.createDefault(), Clock.systemUTC());
    }

    /**
     * The Micronaut HTTP client configured from the settings, its bodies read and written by Micronaut's default
     * registries (tests, tools). Micronaut builds those with {@code JsonMapper.createDefault()}, which with Micronaut
     * Serde starts a second, serde-only application context on the calling thread (once per JVM); the service's client
     * takes the context's instead ({@link #httpClient(VpsOrgSettings, MediaTypeCodecRegistry, MessageBodyHandlerRegistry)}).
     */
    static HttpClient httpClient(VpsOrgSettings settings) {
        return HttpClient.create(url(settings), configuration(settings));
    }

    /**
     * The same client, its bodies read and written by {@code codecs} and {@code bodies}, the application context's
     * (ADR 0133, amended in session 43): no second JSON context on the start's main thread.
     */
    @SuppressWarnings("deprecation")
    static HttpClient httpClient(VpsOrgSettings settings, MediaTypeCodecRegistry codecs, MessageBodyHandlerRegistry bodies) {
        url(settings); // the contextless client's check of the URL, the same failure
        // What HttpClient.create(url, configuration) builds (DefaultHttpClient.builder().uri(...).configuration(...)),
        // every other part at the builder's default (its own event loop and thread factory, Micronaut's default SSL
        // builder, no filters, the shared conversion service), but for the two registries. Micronaut 4.10's builder
        // takes those only inside its package, so this public constructor, deprecated, is the way to give them. The
        // context's HttpClientRegistry would give them too, but would also put the client on the server's event loops
        // and under the context's client filters (Micrometer's client metrics): not the client this is.
        return new DefaultHttpClient(LoadBalancer.fixed(settings.baseUrl()), configuration(settings), null, null,
                new NettyClientSslBuilder(new ResourceResolver()), codecs, bodies, AnnotationMetadataResolver.DEFAULT,
                ConversionService.SHARED);
    }

    private static URL url(VpsOrgSettings settings) {
        try {
            return settings.baseUrl().toURL();
        } catch (MalformedURLException e) {
            throw new IllegalArgumentException("vpsorg.base-url is not a URL", e);
        }
    }

    /** Timeouts, pool bounds, no redirects. */
    private static HttpClientConfiguration configuration(VpsOrgSettings settings) {
        DefaultHttpClientConfiguration configuration = new DefaultHttpClientConfiguration();
        configuration.setConnectTimeout(settings.connectTimeout());
        configuration.setReadTimeout(settings.readTimeout());
        // Each exchange, its wait for a pooled connection included, ends by this: the value Micronaut gives a client
        // without one, stated so that an upgrade cannot take it away (the pool has no acquire timeout of its own, below).
        configuration.setRequestTimeout(requestTimeout(settings));
        // A redirect would carry the bearer token wherever it points; the API documents none.
        configuration.setFollowRedirects(false);
        // Every status comes back as a response, mapped here, instead of as an exception.
        configuration.setExceptionOnErrorStatus(false);
        // Micronaut's default, 10 MB per answer on each of the pool's connections, could exit the 160 MB heap; a
        // larger answer fails as unreadable (ProviderFailures.fromTransport).
        configuration.setMaxContentLength(settings.maxResponseSize());
        // The bounds that callers feel are enforced by ProviderResilience's bulkhead, which knows that a
        // refused request was never sent (Micronaut reports its own timeouts as read timeouts).
        // The pool gets the same size and enough slack never to be the limit that bites first. No acquire timeout:
        // Micronaut scheduled one per request on the client's loops from the caller's thread (3.1 % of a list, ADR
        // 0128), and it could never fire first (connect + acquire + read, against the request timeout's read + 1 s).
        HttpClientConfiguration.ConnectionPoolConfiguration pool = configuration.getConnectionPoolConfiguration();
        pool.setEnabled(true);
        pool.setMaxConcurrentHttp1Connections(settings.pool().maxConnections());
        pool.setMaxPendingAcquires(settings.pool().maxConnections() + settings.pool().maxPending());
        return configuration;
    }

    /** The longest an exchange lasts, its wait for a connection included: the read timeout and one second. */
    static Duration requestTimeout(VpsOrgSettings settings) {
        return settings.readTimeout().plusSeconds(1);
    }

    public VpsOrgSettings settings() {
        return settings;
    }

    /** The Micronaut HTTP client underneath (tests: what it was built with). */
    HttpClient http() {
        return http;
    }

    @Override
    public void close() {
        http.close();
    }

    // ---- snapshots ----

    @Override
    public List<Snapshot> listSnapshots(Optional<ServerId> server) {
        Call call = new Call("list snapshots" + server.map(s -> " of server " + s).orElse(""), false);
        URI first = endpoint("api/v1/snapshots/", query(server, Optional.empty()));
        return listAll(call, first, SnapshotPageWire.class,
                page -> new Page<>(VpsOrgWireMapper.link(page.next()), page.results() == null ? null : mapper.snapshots(page.results()), page.count()),
                Snapshot::id);
    }

    /**
     * The list of {@link #listSnapshots}, confirmed to leave out nothing that was there when it ended, within
     * {@code bound} (ADR 0010).
     */
    @Override
    public List<Snapshot> listSnapshotsConsistently(Optional<ServerId> server, ConsistentListBound bound) {
        Call call = new Call("list snapshots" + server.map(s -> " of server " + s).orElse("") + consistently(bound),
                false);
        URI first = endpoint("api/v1/snapshots/", query(server, Optional.empty()));
        return listConsistently(call, first, bound, SnapshotPageWire.class,
                page -> new Page<>(VpsOrgWireMapper.link(page.next()), page.results() == null ? null : mapper.snapshots(page.results()), page.count()),
                Snapshot::id);
    }

    /** How a consistent list's failures name it: whose deadline stopped it is the operator's first question. */
    private static String consistently(ConsistentListBound bound) {
        return " consistently (" + bound + ")";
    }

    /**
     * The list without a waiting thread when it can be sent at once (the circuit closed, a connection free): the
     * first page goes through the reactive client and is read, mapped and checked on the client's event loop when it
     * arrives. An answer without a {@code next} link is joined and checked there by the rule every list's pages are
     * ({@link #readOnce}: each id once), so this list and {@link #listSnapshots} give the same items. Whatever would
     * wait runs the blocking way on {@code blocking}: a list that cannot be sent at once (the whole list, as
     * {@link #listSnapshots}), further pages, a first page the checks would read again, and a failure the blocking way
     * would retry (the whole list again after the first retry's delay, so at most one attempt more than the blocking
     * list makes alone).
     */
    @Override
    public CompletableFuture<List<Snapshot>> listSnapshotsWhenAnswered(Optional<ServerId> server, Executor blocking) {
        // The caller's context (its request id in the log lines) goes with every hop: the answer is read on the
        // client's event loop, which has none, and the blocking executor carries its submitter's, which from there is
        // none either (ADR 0090, amended in session 43).
        PropagatedContext context = PropagatedContext.getOrEmpty();
        Executor inContext = task -> blocking.execute(context.wrap(task));
        long started = System.nanoTime();
        Call call = new Call("list snapshots" + server.map(s -> " of server " + s).orElse(""), false);
        URI first = endpoint("api/v1/snapshots/", query(server, Optional.empty()));
        Function<SnapshotPageWire, Page<Snapshot>> toPage = wire -> new Page<>(VpsOrgWireMapper.link(wire.next()),
                wire.results() == null ? null : mapper.snapshots(wire.results()), wire.count());
        Optional<ProviderResilience.Attempt> attempt = resilience.attemptAtOnce();
        if (attempt.isEmpty()) {
            return CompletableFuture.supplyAsync(() -> listSnapshots(server), inContext);
        }
        CompletableFuture<Reply> reply;
        try {
            reply = exchangeWhenAnswered(call, HttpMethod.GET, first);
        } catch (RuntimeException failure) {
            reply = CompletableFuture.failedFuture(failure);
        }
        return reply.handle((answer, failure) -> {
            try (PropagatedContext.Scope ignored = context.propagate()) {
                return whenAnswered(call, first, started, answer, failure, attempt.get(), toPage, inContext);
            }
        }).thenCompose(listed -> listed);
    }

    /** The first page of {@link #listSnapshotsWhenAnswered} read, or its failure: the list, or what comes of it. */
    private CompletableFuture<List<Snapshot>> whenAnswered(Call call, URI first, long started, Reply answer,
            Throwable failure, ProviderResilience.Attempt attempt, Function<SnapshotPageWire, Page<Snapshot>> toPage,
            Executor blocking) {
        Page<Snapshot> page;
        try {
            if (failure != null) {
                throw unwrapped(failure);
            }
            page = read(call, answer, SnapshotPageWire.class, toPage);
            if (page.results() == null) {
                throw failures.unreadable(call, 200, "no results", null);
            }
            attempt.ended(null);
        } catch (RuntimeException attemptFailed) {
            attempt.ended(attemptFailed);
            if (!resilience.retriesInTime(attemptFailed)) {
                return CompletableFuture.<List<Snapshot>>failedFuture(attemptFailed);
            }
            Executor afterTheDelay = CompletableFuture.delayedExecutor(
                    resilience.firstRetryDelay(attemptFailed).toNanos(), TimeUnit.NANOSECONDS, blocking);
            // The same list, so the same deadline: counted from the first attempt, not restarted after the delay. A
            // retry never sent after a first attempt that was fails the call as sent (ADR 0010, session 52).
            boolean firstSent = !(attemptFailed instanceof ProviderFailure provider && provider.neverSent());
            return CompletableFuture.supplyAsync(() -> listFrom(call, first, null, started, firstSent,
                    SnapshotPageWire.class, toPage, Snapshot::id).items(), afterTheDelay);
        }
        if (page.last()) {
            // Without a next link readOnce sends nothing, so it runs here; its rule, not a second one, drops an id
            // listed twice (the facade's list and count would hold it twice).
            ListRead<Snapshot> whole;
            try {
                whole = readOnce(call, first, page, listDeadline(started), true, SnapshotPageWire.class, toPage,
                        Snapshot::id);
            } catch (RuntimeException unreadable) {
                return CompletableFuture.<List<Snapshot>>failedFuture(unreadable);
            }
            if (whole.changed() == null) {
                return CompletableFuture.completedFuture(whole.items());
            }
        }
        return CompletableFuture.supplyAsync(() -> listFrom(call, first, page, started, true, SnapshotPageWire.class,
                toPage, Snapshot::id).items(), blocking);
    }

    private static RuntimeException unwrapped(Throwable failure) {
        Throwable cause = failure instanceof CompletionException wrapped && wrapped.getCause() != null ? wrapped.getCause() : failure;
        return cause instanceof RuntimeException runtime ? runtime : new CompletionException(cause);
    }

    @Override
    public Snapshot createSnapshot(SnapshotDraft draft) {
        Call call = new Call("create a snapshot of server " + draft.server(), true);
        return resilience.once(call.description(), () -> {
            Reply reply = exchange(call, HttpMethod.POST, endpoint("api/v1/snapshots/", ""), mapper.toWire(draft));
            return read(call, reply, SnapshotWire.class, mapper::snapshot);
        });
    }

    @Override
    public RestoreStarted restoreSnapshot(SnapshotId snapshot, ServerId itsServer) {
        Call call = new Call("restore snapshot " + snapshot + " onto server " + itsServer, true);
        return resilience.once(call.description(), () -> {
            Reply reply = exchange(call, HttpMethod.POST, endpoint("api/v1/snapshots/" + snapshot.value() + "/restore/", ""), null);
            return read(call, reply, RestoreAnswerWire.class, NO_RESTORE_ANSWER,
                    answer -> mapper.restoreStarted(answer, Optional.of(itsServer)));
        });
    }

    @Override
    public void deleteSnapshot(SnapshotId snapshot) {
        delete(new Call("delete snapshot " + snapshot, false), endpoint("api/v1/snapshots/" + snapshot.value() + "/", ""));
    }

    // ---- backups ----

    @Override
    public List<Backup> listBackups(Optional<ServerId> server, Optional<BackupType.Kind> type) {
        return listBackups(server, type, Optional.empty());
    }

    /**
     * The list of {@link #listBackups}, confirmed to leave out nothing that was there when it ended, within
     * {@code bound} (ADR 0010).
     */
    @Override
    public List<Backup> listBackupsConsistently(Optional<ServerId> server, Optional<BackupType.Kind> type,
                                                ConsistentListBound bound) {
        return listBackups(server, type, Optional.of(bound));
    }

    private List<Backup> listBackups(Optional<ServerId> server, Optional<BackupType.Kind> type,
                                     Optional<ConsistentListBound> consistently) {
        // VPS.org filters by its documented words only; backups of a type it does not document are picked here.
        Optional<String> word = type.flatMap(VpsOrgWireMapper::backupTypeWord);
        Call call = new Call("list " + type.map(t -> t.name().toLowerCase(java.util.Locale.ROOT) + " ").orElse("")
                + "backups" + server.map(s -> " of server " + s).orElse("")
                + consistently.map(VpsOrgClient::consistently).orElse(""), false);
        URI first = endpoint("api/v1/backups/", query(server, word));
        Function<BackupPageWire, Page<Backup>> toPage =
                page -> new Page<>(VpsOrgWireMapper.link(page.next()), page.results() == null ? null : mapper.backups(page.results()), page.count());
        List<Backup> backups = consistently.isPresent()
                ? listConsistently(call, first, consistently.get(), BackupPageWire.class, toPage, Backup::id)
                : listAll(call, first, BackupPageWire.class, toPage, Backup::id);
        return type.filter(t -> word.isEmpty()).map(t -> backups.stream().filter(b -> b.type().is(t)).toList())
                .orElse(backups);
    }

    @Override
    public Backup createManualBackup(BackupDraft draft) {
        Call call = new Call("create a manual backup of server " + draft.server(), true);
        return resilience.once(call.description(), () -> {
            Reply reply = exchange(call, HttpMethod.POST, endpoint("api/v1/backups/", ""), mapper.toWire(draft));
            return read(call, reply, BackupWire.class, mapper::backup);
        });
    }

    @Override
    public void deleteBackup(BackupId backup) {
        delete(new Call("delete backup " + backup, false), endpoint("api/v1/backups/" + backup.value() + "/", ""));
    }

    @Override
    public RestoreStarted restoreServerFromBackup(ServerId server, BackupId backup) {
        Call call = new Call("restore server " + server + " from backup " + backup, true);
        return resilience.once(call.description(), () -> {
            Reply reply = exchange(call, HttpMethod.POST, endpoint("api/v1/servers/" + server.value() + "/restore/", ""),
                    mapper.toWire(backup));
            return read(call, reply, RestoreAnswerWire.class, NO_RESTORE_ANSWER,
                    answer -> mapper.restoreStarted(answer, Optional.of(server)));
        });
    }

    // ---- the mechanics ----

    /** One page as read; {@code count}: the whole list's length as the page says it, null where it says none. */
    private record Page<T>(String next, List<T> results, Long count) {
        /** Without a {@code next} link: the list's last page, or its one answer if it is the first. */
        boolean last() {
            return next == null || next.isBlank();
        }
    }

    /**
     * How often a list that changed while its pages were read is read again from its first page before the call fails
     * as {@link ProviderFailure.Kind#UNAVAILABLE} (try later): a list changing that fast settles by itself, soon.
     */
    static final int REREADS_OF_A_CHANGING_LIST = 3;

    /** Follows {@code next} links on the provider's own origin, at most {@code maxPages} pages. */
    private <W, T> List<T> listAll(Call call, URI first, Class<W> pageType, Function<W, Page<T>> toPage,
                                   Function<T, ?> idOf) {
        return listFrom(call, first, null, System.nanoTime(), false, pageType, toPage, idOf).items();
    }

    /**
     * The whole list from {@code first}, confirmed to hold every item there when one of its reads ended (ADR 0010,
     * amended in session 38). One page is one answer, taken once as long as its {@code count} or saying none (session
     * 41). A read of several pages whose every page says {@code count} holds, each id once, as many items as the last
     * page's {@code count} ({@link #readOnce}); so if it left out an item there at its end, it holds as many items
     * that were gone by then. A later read listing every id of it shows none was gone (VPS.org's ids name one point
     * for good, and a deleted point does not come back): that later read is returned, holding all of the earlier one.
     * A later read lacking some is confirmed the same way, at most {@link #REREADS_OF_A_CHANGING_LIST} reads more,
     * then the call fails {@code UNAVAILABLE} (try later), as it does at once for pages without a {@code count}:
     * nothing then shows the read whole. Each read's
     * {@code vpsorg.list-deadline} is counted as {@code bound} says: a job's from that read's start (shared, a list
     * taking over half of it could never be confirmed), a request's from its first consistent read's, so that all of
     * them together end within one list's time, which its idempotency lease and call slot are sized on (ADR 0010,
     * amended in session 39).
     */
    private <W, T> List<T> listConsistently(Call call, URI first, ConsistentListBound bound, Class<W> pageType,
                                            Function<W, Page<T>> toPage, Function<T, ?> idOf) {
        ListRead<T> earlier = listFrom(call, first, null, bound.deadlineCountedFrom(System.nanoTime()), false,
                pageType, toPage, idOf);
        for (int confirming = 0; ; confirming++) {
            // One answer, as long as its count (readOnce read it again while it was not): nothing between its pages.
            if (earlier.pages() == 1) {
                return earlier.items();
            }
            if (!earlier.everyPageCounted()) {
                throw ProviderFailures.listGivenUp(ProviderFailure.ListGivenUp.PAGES_WITHOUT_COUNT, "VPS.org's list "
                        + "came in " + earlier.pages() + " pages without a count on every page, to " + call.description()
                        + ": what it leaves out is not established as gone; failed as try later. If it goes on, VPS.org "
                        + "leaves its count out of its pages: tell VPS.org", null);
            }
            if (confirming == REREADS_OF_A_CHANGING_LIST) {
                throw ProviderFailures.listGivenUp(ProviderFailure.ListGivenUp.INCONSISTENT, "VPS.org's list kept "
                        + "changing while it was read to " + call.description() + " (" + (confirming + 1) + " reads, each lacking an item "
                        + "of the one before): what it leaves out is not established as gone", null);
            }
            // The earlier read was sent: a later one never sent fails the call as sent (session 52).
            ListRead<T> later = listFrom(call, first, null, bound.deadlineCountedFrom(System.nanoTime()), true,
                    pageType, toPage, idOf);
            Set<Object> laterIds = later.items().stream().map(idOf).collect(Collectors.toSet());
            if (earlier.items().stream().map(idOf).allMatch(laterIds::contains)) {
                return later.items();
            }
            LOG.info("VPS.org: a list read in {} pages to {} lacked, when read again, an item it had listed; "
                    + "confirming the later read", earlier.pages(), call.description());
            earlier = later;
        }
    }

    /**
     * The whole list from {@code first} ({@code firstPage}: its page if already read, else null), read again from
     * {@code first} while it changed during the read, at most {@link #REREADS_OF_A_CHANGING_LIST} times; no page read
     * starts later than {@code vpsorg.list-deadline} after {@code startedNanos} ({@link System#nanoTime()}).
     * {@code sentBefore}: an earlier try or read of the same call was sent.
     */
    private <W, T> ListRead<T> listFrom(Call call, URI first, Page<T> firstPage, long startedNanos, boolean sentBefore,
                                        Class<W> pageType, Function<W, Page<T>> toPage, Function<T, ?> idOf) {
        Page<T> alreadyRead = firstPage;
        long deadline = listDeadline(startedNanos);
        for (int reread = 0; ; reread++) {
            ListRead<T> read = readOnce(call, first, alreadyRead, deadline, sentBefore || reread > 0, pageType, toPage,
                    idOf);
            if (read.changed() == null) {
                return read;
            }
            if (reread == REREADS_OF_A_CHANGING_LIST) {
                // Not the provider's trouble (the breaker does not count it) nor a final answer: callers try later. Said
                // at WARN, spaced per route: a count persistently wrong fails every list, at INFO only before (ADR 0010,
                // amended in session 54).
                warnListInconsistent(call, first, reread + 1, read);
                throw ProviderFailures.listGivenUp(ProviderFailure.ListGivenUp.INCONSISTENT, "VPS.org's list kept "
                        + "changing, or fell short of its count, while its pages were read to " + call.description()
                        + " (read " + (reread + 1) + " times; last: " + read.changed() + ")", null);
            }
            LOG.info("VPS.org: the list changed, or fell short of its count, while read to {} ({}); reading it again",
                    call.description(), read.changed());
            alreadyRead = null;
        }
    }

    /**
     * A list given up as inconsistent is said at WARN once in five minutes per route (the path: one key for every server's
     * list, so any number of servers failing cannot evict a key within its interval), the times held back counted; per
     * client, so that one client's lines never hold back another's (ADR 0010, amended in session 54). Past the bound,
     * other routes share one line an interval (ADR 0025).
     */
    private final InconsistentListLines inconsistentListLines = new InconsistentListLines(LOG, System::nanoTime);

    /**
     * Says the counts of inconsistent lists held back on routes quiet for their five minutes since: called every minute
     * by the instance's sweep, since no next line of a route whose lists stopped failing would say them (ADR 0025,
     * amended in session 56).
     */
    public void sayQuietLines() {
        inconsistentListLines.sayQuiet();
    }

    /** Says every count held back, at this instance's stop (its stop hook, not this client's close; session 56). */
    public void sayHeldLinesAtStop() {
        inconsistentListLines.sayAllHeld();
    }

    /**
     * The WARN of a list given up after {@code reads} reads: its route and the server it was read for (path and query,
     * never the token), the call, the last read's two numbers, what its pages listed and what its count said, where it
     * had both, and how many lists of the route failed so since the route's last line.
     */
    private void warnListInconsistent(Call call, URI first, int reads, ListRead<?> last) {
        java.util.OptionalLong heldBack = inconsistentListLines.sayNow(first.getRawPath());
        if (heldBack.isEmpty()) {
            return;
        }
        String asked = first.getRawPath() + (first.getRawQuery() == null ? "" : "?" + first.getRawQuery());
        LOG.warn("VPS.org's list at GET {} was inconsistent at each of {} reads to {}{}; failed as try later. If it goes "
                        + "on, VPS.org's count or paging is wrong: tell VPS.org{}", asked, reads, call.description(),
                last.count() == null ? " (last: " + last.changed() + ")"
                        : ": its pages listed " + last.listed() + " points, its count said " + last.count(),
                heldBack.getAsLong() > 0 ? " (" + heldBack.getAsLong() + " more lists of " + first.getRawPath()
                        + " failed so since its last line)" : "");
    }

    /** When ({@link System#nanoTime()}) a list started at {@code startedNanos} may start no more page reads. */
    private long listDeadline(long startedNanos) {
        return startedNanos + settings.listDeadline().toNanos();
    }

    /**
     * One read of a list's pages: the items, in how many pages, and whether every page said its {@code count}; or
     * ({@code changed}: how it showed) a list that changed meanwhile.
     */
    private record ListRead<T>(List<T> items, String changed, int pages, boolean everyPageCounted, long listed,
                               Long count) {

        static <T> ListRead<T> changed(String how) {
            return new ListRead<>(null, how, 0, false, 0, null);
        }

        /** A read whose pages joined, {@code listed} items, are not as many as the {@code count} they said. */
        static <T> ListRead<T> shortOfCount(String how, long listed, long count) {
            return new ListRead<>(null, how, 0, false, listed, count);
        }
    }

    /**
     * The pages from {@code first} on, each item once by {@code idOf} (the first read kept). A list that changed
     * between two page reads can come back short (an item deleted from an earlier page moves a later one onto it,
     * unread), and so can one answer without a {@code next} link to the rest, so a change of {@code count} between
     * pages, a joined list of another length than the last page's {@code count} (one page: neither its entries nor
     * its ids as many), or a next page gone (DRF's 404 "Invalid page." once the list shrank past it) ends the read as
     * changed. A page never sent after a page or read of the call that was ({@code sentBefore}) fails the call as sent:
     * its "never sent" would tell the caller nothing was asked (ADR 0010, amended in session 52).
     */
    private <W, T> ListRead<T> readOnce(Call call, URI first, Page<T> firstPage, long deadline, boolean sentBefore,
                                        Class<W> pageType, Function<W, Page<T>> toPage, Function<T, ?> idOf) {
        Set<URI> seen = new HashSet<>();
        // Each id once as the pages arrive, so a page served again and again under new links takes no more memory.
        Map<Object, T> joinedById = new LinkedHashMap<>();
        // The entries as sent, repeats included: what a one-page answer may have counted.
        long sent = 0;
        Long count = null;
        boolean everyPageCounted = true;
        URI target = first;
        Page<T> page = firstPage;
        while (true) {
            if (!seen.add(target)) {
                throw failures.unreadable(call, 200, "the next link points back to a page already read", null);
            }
            if (seen.size() > settings.maxPages()) {
                throw failures.unreadable(call, 200, "more than vpsorg.max-pages=" + settings.maxPages()
                        + " pages; refusing to read an endless list", null);
            }
            if (page == null) {
                Optional<Page<T>> answered;
                try {
                    answered = readPage(call, target, seen.size(), deadline, pageType, toPage);
                } catch (ProviderFailure failure) {
                    throw sentBefore || seen.size() > 1 ? failure.afterAnEarlierTryWasSent() : failure;
                }
                if (answered.isEmpty()) {
                    return ListRead.changed("page " + seen.size() + " was gone");
                }
                page = answered.get();
            }
            if (page.results() == null) {
                throw failures.unreadable(call, 200, "no results", null);
            }
            // A page without count (the field is not promised on every page) checks nothing.
            if (page.count() != null) {
                if (count != null && !count.equals(page.count())) {
                    return ListRead.changed("count went from " + count + " to " + page.count() + " at page " + seen.size());
                }
                count = page.count();
            } else {
                everyPageCounted = false;
            }
            sent += page.results().size();
            for (T item : page.results()) {
                joinedById.putIfAbsent(idOf.apply(item), item);
            }
            if (joinedById.size() > settings.maxListItems()) {
                throw failures.unreadable(call, 200, "more than vpsorg.max-list-items=" + settings.maxListItems()
                        + " items; refusing to hold an endless list", null);
            }
            if (page.last()) {
                break;
            }
            target = sameOrigin(call, target, page.next());
            page = null;
        }
        // With page-number paging an item added between two page reads pushes another onto the next page, read
        // twice: counted twice, it would make a quota look reached (pages without a count do not show the change).
        List<T> joined = List.copyOf(joinedById.values());
        if (!asCounted(count, seen.size(), sent, joined.size())) {
            return ListRead.shortOfCount(seen.size() == 1
                    ? sent + " listed in one page without a next link, count " + count
                    : joined.size() + " listed in " + seen.size() + " pages, count " + count,
                    seen.size() == 1 ? sent : joined.size(), count);
        }
        return new ListRead<>(joined, null, seen.size(), everyPageCounted, joined.size(), count);
    }

    /**
     * Whether a read of {@code pages} pages holds as many items as the {@code count} its pages said (null: none said one,
     * nothing to check), {@code sent} entries as sent and {@code ids} of them each id once. One answer short of its count
     * (no next link to the rest) is as short as pages joined short of theirs: taken as whole, a quota under-counts and a
     * look-up answers a false 404. Several pages: their ids, since a repeat across pages is an item pushed onto the next
     * page, which count does not count. One answer: its ids or its entries, since it has no page boundary to push an item
     * twice and VPS.org may have counted the repeat as it sent it (ADR 0010, amended in session 41).
     */
    private static boolean asCounted(Long count, int pages, long sent, int ids) {
        return count == null || ids == count || (pages == 1 && sent == count);
    }

    /**
     * Page {@code number}, retried as a read; empty if a next page answered 404: the list shrank past it since the link
     * was read. A first page's 404 stays {@code NOT_FOUND}. No attempt starts after {@code deadline}: a list of many
     * slow pages would otherwise outlast the idempotency lease and the call slots sized on one read (ADR 0010).
     */
    private <W, T> Optional<Page<T>> readPage(Call call, URI page, int number, long deadline, Class<W> pageType,
                                              Function<W, Page<T>> toPage) {
        // Checked before the breaker and the connection wait: a list out of time sends nothing, so it must not take a
        // half-open breaker's trial permit (an uncounted failure would be recorded as a success and close it).
        if (System.nanoTime() - deadline >= 0) {
            throw outOfTime(call, number);
        }
        return resilience.safe(call.description(), () -> {
            if (System.nanoTime() - deadline >= 0) {
                // Between retries of this page: the breaker counts it as the provider's trouble (ProviderResilience).
                throw outOfTime(call, number);
            }
            Reply reply = exchange(call, HttpMethod.GET, page, null);
            if (number > 1 && reply.status() == 404) {
                return Optional.<Page<T>>empty();
            }
            return Optional.of(read(call, reply, pageType, toPage));
        });
    }

    /** Not the provider's answer nor a final one: callers try later, as for any list not read now. */
    private ProviderFailure outOfTime(Call call, int number) {
        return ProviderFailures.listGivenUp(ProviderFailure.ListGivenUp.OUT_OF_LIST_TIME, "VPS.org's list was not read "
                + "within vpsorg.list-deadline=" + settings.listDeadline().toMillis() + " ms to " + call.description()
                + " (stopped before page " + number + "); failed as try later. If it goes on, VPS.org's pages are slow "
                + "or many: look at its latency, or raise vpsorg.list-deadline", new ProviderResilience.OutOfTime(
                "the list's deadline passed"));
    }

    /**
     * A {@code next} link of the page at {@code page}, resolved against that page's URL (RFC 3986). The token goes
     * only where the base URL points: a link elsewhere is refused. One exception, never the reverse: behind a TLS
     * terminator DRF writes {@code http://} links of the base's own host; such a link is followed over the base's https
     * (ADR 0010, session 50).
     */
    private URI sameOrigin(Call call, URI page, String link) {
        URI uri;
        try {
            uri = httpsOnTheBasesHost(page.resolve(new URI(link)));
        } catch (URISyntaxException | IllegalArgumentException e) {
            throw failures.unreadable(call, 200, "the next link is not a URL", e);
        }
        URI base = settings.baseUrl();
        boolean same = base.getScheme().equalsIgnoreCase(String.valueOf(uri.getScheme()))
                && base.getHost().equalsIgnoreCase(String.valueOf(uri.getHost())) && port(base) == port(uri);
        if (!same) {
            throw failures.unreadable(call, 200, "the next link leaves the provider's origin", null);
        }
        return uri;
    }

    /**
     * {@code link} over https if the base is https and the link is http on the base's host (the proxy's public port:
     * the base's if the link names none, 443 for http's 80, any other kept, then checked as any link); else unchanged.
     */
    private URI httpsOnTheBasesHost(URI link) throws URISyntaxException {
        URI base = settings.baseUrl();
        if (!"https".equalsIgnoreCase(base.getScheme()) || !"http".equalsIgnoreCase(link.getScheme())
                || link.getHost() == null || !base.getHost().equalsIgnoreCase(link.getHost())) {
            return link;
        }
        int port = link.getPort() == -1 ? port(base) : link.getPort() == 80 ? 443 : link.getPort();
        // The raw parts as they came: URI's many-part constructors would quote an already quoted path or query again.
        return new URI("https://" + (link.getRawUserInfo() == null ? "" : link.getRawUserInfo() + "@") + link.getHost()
                + (port == 443 ? "" : ":" + port) + link.getRawPath()
                + (link.getRawQuery() == null ? "" : "?" + link.getRawQuery())
                + (link.getRawFragment() == null ? "" : "#" + link.getRawFragment()));
    }

    private static int port(URI uri) {
        return uri.getPort() != -1 ? uri.getPort() : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
    }

    /**
     * A delete, retried like a read. If an earlier attempt may have reached the provider (timeout,
     * lost connection, 5xx) and a retry then hears 404, the first one did the job: that is success.
     */
    private void delete(Call call, URI uri) {
        AtomicBoolean mayHaveHappened = new AtomicBoolean();
        try {
            deleteRetried(call, uri, mayHaveHappened);
        } catch (ProviderFailure failure) {
            // Retries ran out after a try that may have deleted it: that is not a failure we know of. Nor is a refusal
            // heard on a retry: it may refuse what is already done (a delete of a point no longer there as it was), and
            // must never read as "refused for good" of a point the first try deleted (ADR 0028, session 49).
            if (mayHaveHappened.get() && (TRANSIENT.contains(failure.kind()) || REFUSALS.contains(failure.kind()))) {
                throw failures.deleteOutcomeUnknown(call, failure);
            }
            throw failure;
        }
    }

    private static final Set<ProviderFailure.Kind> TRANSIENT = EnumSet.of(
            ProviderFailure.Kind.UNAVAILABLE, ProviderFailure.Kind.TIMEOUT, ProviderFailure.Kind.RATE_LIMITED,
            ProviderFailure.Kind.MALFORMED_RESPONSE);

    private static final Set<ProviderFailure.Kind> REFUSALS = EnumSet.of(
            ProviderFailure.Kind.REJECTED, ProviderFailure.Kind.LIMIT_REACHED);

    private void deleteRetried(Call call, URI uri, AtomicBoolean mayHaveHappened) {
        resilience.safe(call.description(), () -> {
            Reply reply;
            try {
                reply = exchange(call, HttpMethod.DELETE, uri, null);
            } catch (ProviderFailure failure) {
                if (!failure.neverSent()) {
                    mayHaveHappened.set(true);
                }
                throw failure;
            }
            if (reply.status() / 100 == 2) {
                // It reached VPS.org. A body (none is documented) must be JSON that does not say no; otherwise whether it
                // deleted is unknown, never taken as done (docs/vpsorg-api.md, session 53).
                Optional<String> unreadable = deleteAnswerUnreadable(reply.body());
                if (unreadable.isPresent()) {
                    mayHaveHappened.set(true);
                    throw failures.unreadable(call, reply.status(), unreadable.get(), null);
                }
                return null;
            }
            if ((reply.status() == 404 || reply.status() == 410) && mayHaveHappened.get()) {
                LOG.info("VPS.org: {} answered {} after an uncertain attempt; taken as done", call.description(), reply.status());
                return null;
            }
            // As for creates: any 5xx, a 503 too, may come after it acted (ProviderFailures.fromStatus).
            if (reply.status() >= 500) {
                mayHaveHappened.set(true);
            }
            throw failures.fromStatus(call, reply);
        });
    }

    /** Why a delete's 2xx body is not a yes (not JSON, or saying no); empty for none, or JSON that says no no. */
    private Optional<String> deleteAnswerUnreadable(byte[] body) {
        if (body == null || new String(body, java.nio.charset.StandardCharsets.UTF_8).isBlank()) {
            return Optional.empty();
        }
        io.micronaut.json.tree.JsonNode answer;
        try {
            answer = json.readValue(body, Argument.of(io.micronaut.json.tree.JsonNode.class));
        } catch (IOException | RuntimeException notJson) {
            return Optional.of("not JSON");
        }
        if (answer == null || !answer.isObject()) {
            return answer == null || answer.isNull() ? Optional.empty() : Optional.of("not a JSON object");
        }
        return VpsOrgWireMapper.saysNo(answer.get("status"), answer.get("success"), answer.get("error"));
    }

    private MutableHttpRequest<Object> request(HttpMethod method, URI uri) {
        MutableHttpRequest<Object> request = HttpRequest.create(method, uri.toString());
        request.bearerAuth(settings.apiToken().reveal())
                .contentType(MediaType.APPLICATION_JSON_TYPE)
                .accept(MediaType.APPLICATION_JSON_TYPE)
                .header(HttpHeaders.USER_AGENT, USER_AGENT);
        return request;
    }

    /** One HTTP exchange; a non-2xx answer comes back as a reply, only a missing answer throws. */
    private Reply exchange(Call call, HttpMethod method, URI uri, Object body) {
        MutableHttpRequest<Object> request = request(method, uri);
        if (body != null) {
            try {
                request.body(json.writeValueAsBytes(body));
            } catch (IOException e) {
                throw new UncheckedIOException("could not write the request body", e);
            }
        }
        long started = System.nanoTime();
        requireRunning(call);
        try {
            HttpResponse<byte[]> response = blocking.exchange(request, BYTES, BYTES);
            log(method, uri, response.code(), started);
            return reply(response);
        } catch (HttpClientResponseException e) {
            // Only if the client was configured to throw on error statuses after all.
            log(method, uri, e.code(), started);
            return reply(e.getResponse());
        } catch (HttpClientException e) {
            LOG.debug("VPS.org {} {} failed after {} ms: {}", method, uri.getRawPath(),
                    (System.nanoTime() - started) / 1_000_000, e.getClass().getSimpleName());
            // An interrupt wrapped by the client is the stop too (ADR 0024, session 55).
            throw failures.fromTransport(call, e, !http.isRunning() || interrupted(e));
        } catch (RuntimeException e) {
            if (!interrupted(e)) {
                throw e;
            }
            // The stop's interrupt (db-scheduler's shutdownNow) cut the blocking wait: reactor's ReactiveException with
            // the flag set again. This instance stopped waiting, as when it closes its client; the request may have
            // left, so a change stays outcome unknown (ADR 0010, 0024, session 55).
            LOG.debug("VPS.org {} {} interrupted after {} ms (this instance is stopping)", method, uri.getRawPath(),
                    (System.nanoTime() - started) / 1_000_000);
            throw failures.fromTransport(call, e, true);
        }
    }

    /** Whether {@code error} is an interruption of the calling thread's wait: in its causes, or the flag set. */
    private static boolean interrupted(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof InterruptedException) {
                return true;
            }
        }
        return Thread.currentThread().isInterrupted();
    }

    /** The answer's status, body and wait: its Date read with its Retry-After, VPS.org's clock (ADR 0010, session 53). */
    private static Reply reply(HttpResponse<?> response) {
        return new Reply(response.code(), response.getBody(byte[].class).orElse(new byte[0]),
                Optional.ofNullable(response.getHeaders().get(HttpHeaders.RETRY_AFTER)),
                Optional.ofNullable(response.getHeaders().get(HttpHeaders.DATE)));
    }

    /**
     * Micronaut's client refuses every call once closed, before sending anything, by this same state; read here first,
     * the refusal is known by its type, {@link ProviderFailures.ClientClosed}: unsent, so unavailable and never
     * retried (ADR 0010, amended in session 47). A close between this and Micronaut's own check leaves its refusal,
     * told apart only by its message, to {@code fromTransport} as a call the closing client cut (CLIENT_CLOSED).
     */
    private void requireRunning(Call call) {
        if (!http.isRunning()) {
            throw failures.fromTransport(call, new ProviderFailures.ClientClosed(), true);
        }
    }

    /** {@link #exchange} through the reactive client: completes on the client's event loop, never waits. */
    private CompletableFuture<Reply> exchangeWhenAnswered(Call call, HttpMethod method, URI uri) {
        MutableHttpRequest<Object> request = request(method, uri);
        long started = System.nanoTime();
        requireRunning(call);
        return Mono.from(http.exchange(request, BYTES, BYTES)).toFuture().handle((response, failure) -> {
            if (failure != null) {
                Throwable cause = failure instanceof CompletionException wrapped && wrapped.getCause() != null
                        ? wrapped.getCause() : failure;
                if (cause instanceof HttpClientResponseException e) {
                    log(method, uri, e.code(), started);
                    return reply(e.getResponse());
                }
                if (cause instanceof ProviderFailure known) {
                    throw known;
                }
                throw failures.fromTransport(call, cause, !http.isRunning());
            }
            if (response == null) {
                throw failures.fromTransport(call, new ResponseClosedException("the connection ended without an answer"),
                        !http.isRunning());
            }
            log(method, uri, response.code(), started);
            return reply(response);
        });
    }

    /** A 2xx answer read into the wire type and mapped; anything else becomes the matching failure. */
    private <W, T> T read(Call call, Reply reply, Class<W> wireType, Function<W, T> toDomain) {
        return read(call, reply, wireType, null, toDomain);
    }

    /** As {@link #read(Call, Reply, Class, Function)}, an empty 2xx body read as {@code whenEmpty} if there is one. */
    private <W, T> T read(Call call, Reply reply, Class<W> wireType, W whenEmpty, Function<W, T> toDomain) {
        if (reply.status() / 100 != 2) {
            throw failures.fromStatus(call, reply);
        }
        W wire;
        try {
            if (reply.body().length == 0 && whenEmpty == null) {
                throw failures.unreadable(call, reply.status(), "empty body", null);
            }
            wire = reply.body().length == 0 ? whenEmpty : json.readValue(reply.body(), Argument.of(wireType));
            if (wire == null) {
                throw failures.unreadable(call, reply.status(), "a JSON null", null);
            }
        } catch (IOException | RuntimeException e) {
            if (e instanceof ProviderFailure failure) {
                throw failure;
            }
            throw failures.unreadable(call, reply.status(), "not the documented JSON", e);
        }
        try {
            return toDomain.apply(wire);
        } catch (UnreadableAnswer e) {
            throw failures.unreadable(call, reply.status(), e.getMessage(), e);
        }
    }

    private URI endpoint(String path, String query) {
        return settings.baseUrl().resolve(path + (query.isEmpty() ? "" : "?" + query));
    }

    private static String query(Optional<ServerId> server, Optional<String> backupType) {
        Map<String, String> params = new LinkedHashMap<>();
        server.ifPresent(s -> params.put("server_id", Long.toString(s.value())));
        backupType.ifPresent(word -> params.put("backup_type", word));
        return params.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining("&"));
    }

    private static void log(HttpMethod method, URI uri, int status, long started) {
        if (LOG.isDebugEnabled()) {
            LOG.debug("VPS.org {} {} -> {} in {} ms", method, uri.getRawPath(), status,
                    (System.nanoTime() - started) / 1_000_000);
        }
    }

    /** Whether calls currently fail fast (the circuit open; half-open is not): for its gauge, tests and health checks. */
    public boolean isCircuitOpen() {
        return resilience.isCircuitOpen();
    }

    /** For tests: whether calls go through unguarded (neither open nor half-open). */
    boolean isCircuitClosed() {
        return resilience.isCircuitClosed();
    }

    /** How long a 429 still holds back the client's calls (empty: none); for tests and operators' tools. */
    public Optional<java.time.Duration> heldBackFor() {
        return resilience.heldBackFor();
    }

    /** For tests and health checks: requests waiting for a free connection. */
    int requestsWaitingForAConnection() {
        return resilience.waitingForAConnection();
    }

    @Override
    public String toString() {
        return "VpsOrgClient[" + settings.baseUrl() + "]";
    }
}
