package org.vpsrecovery.adapters.http.webhook;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.SSLContext;
import org.apache.hc.client5.http.ConnectTimeoutException;
import org.apache.hc.client5.http.DnsResolver;
import org.apache.hc.client5.http.SystemDefaultDnsResolver;
import org.apache.hc.client5.http.classic.methods.HttpPost;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.CloseableHttpResponse;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.client5.http.ssl.DefaultClientTlsStrategy;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.io.entity.StringEntity;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.util.Timeout;
import org.vpsrecovery.domain.common.TeamId;
import org.vpsrecovery.domain.port.WebhookTransport;
import org.vpsrecovery.domain.webhook.TargetAddressRules;
import org.vpsrecovery.domain.webhook.WebhookTarget;

/**
 * Webhooks over Apache HttpClient 5, so that the connection goes only to addresses the SSRF rules
 * judged: its connection manager resolves the host through a {@link DnsResolver} of ours, which
 * judges every address of that one resolution and refuses the lot if any is refused. There is no
 * second lookup between the judgement and the connection, so DNS rebinding after the guard's check
 * (ADR 0025) cannot point it elsewhere. TLS still verifies the certificate against the host name,
 * and sends it as SNI: only the resolution is ours.
 *
 * <p>One client (its connection pool shared by every delivery), no proxy (a proxy would resolve
 * the host itself), redirects never followed (a 3xx could point anywhere), no automatic retry (the
 * scheduler retries), a bounded connect time and a bounded time for the whole exchange. The
 * receiver's body is never read: the connection is dropped instead, and no answer is decompressed.
 */
public final class ApacheWebhookTransport implements WebhookTransport, AutoCloseable {

    /** A resolution the rules refused, at the moment of the connection. */
    static final class RefusedAtConnection extends UnknownHostException {
        RefusedAtConnection(String why) {
            super(why);
        }
    }

    /**
     * A connection's lookup that was not begun (it waited its whole time behind others, or the team's earlier lookups
     * still ran): not the receiver's doing. It passes through HttpClient as what its resolver may throw.
     */
    static final class NotStartedAtConnection extends UnknownHostException {
        final transient WebhookTransport.LookupNotStarted notStarted;

        NotStartedAtConnection(WebhookTransport.LookupNotStarted notStarted) {
            super(notStarted.getMessage());
            this.notStarted = notStarted;
        }
    }

    /**
     * Threads that wait on the system resolver for us ({@link LookupThreads}), in each of two sets: one for the
     * deliveries, one for subscriptions being made (on HTTP threads, under no delivery slot), so that names that hang in
     * one cannot hold the other's threads.
     */
    static final int LOOKUP_THREADS = 4;

    /**
     * A team's delivery lookups at once by default: as many as its attempts at once with the default delivery slots
     * (one of two), so that healthy names never wait for one another and a team's name that hangs holds one thread.
     */
    static final int DEFAULT_DELIVERY_LOOKUPS_PER_TEAM = 1;

    /**
     * A team's lookups of subscriptions being made at once: one, its other creates waiting for it within their own
     * limit (a healthy name answers in milliseconds), so that a team's names that hang hold one of the threads, not all.
     */
    static final int SUBSCRIPTION_LOOKUPS_PER_TEAM = 1;

    private final ScheduledExecutorService deadlines;
    private final LookupThreads deliveryLookups;
    private final LookupThreads subscriptionLookups;
    /** The team a connection being made on this thread is for: HttpClient asks our resolver with the host only. */
    private final ThreadLocal<TeamId> connectingFor = new ThreadLocal<>();
    private final Duration connectTimeout;
    private final Duration answerTimeout;
    private final TargetAddressRules rules;
    // Built at the first delivery, not with the bean: HttpClient's ~200 classes are then not loaded by a start
    // (the bean is made before the server listens) nor kept in the AOT cache for every start (ADR 0082).
    private CloseableHttpClient client;
    private boolean closed;

    public ApacheWebhookTransport(Duration connectTimeout, Duration answerTimeout, TargetAddressRules rules) {
        this(connectTimeout, answerTimeout, rules, DEFAULT_DELIVERY_LOOKUPS_PER_TEAM);
    }

    /**
     * {@code deliveryLookupsPerTeam}: a team's delivery lookups at once, those still running past their time counted
     * until the resolver answers; at least its attempts at once (its share of the delivery slots), so that only names
     * that hang make it wait, and fewer than the {@value #LOOKUP_THREADS} threads, so that another team always has one.
     */
    public ApacheWebhookTransport(Duration connectTimeout, Duration answerTimeout, TargetAddressRules rules,
                                  int deliveryLookupsPerTeam) {
        if (deliveryLookupsPerTeam < 1 || deliveryLookupsPerTeam >= LOOKUP_THREADS) {
            throw new IllegalArgumentException("a team's delivery lookups at once must be 1-" + (LOOKUP_THREADS - 1));
        }
        this.connectTimeout = Objects.requireNonNull(connectTimeout, "connect timeout");
        this.answerTimeout = Objects.requireNonNull(answerTimeout, "answer timeout");
        this.rules = Objects.requireNonNull(rules, "rules");
        this.deadlines = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon()
                .name("webhook-deadlines").factory());
        // A delivery's lookup never waits for its team's turn: it runs on a job thread, and is put off instead.
        this.deliveryLookups = new LookupThreads("webhook-dns-", LOOKUP_THREADS, connectTimeout, deliveryLookupsPerTeam,
                false);
        // A create's lookup may wait for its team's turn: it is on a request's thread, within the same limit.
        this.subscriptionLookups = new LookupThreads("webhook-subscription-dns-", LOOKUP_THREADS, connectTimeout,
                SUBSCRIPTION_LOOKUPS_PER_TEAM, true);
    }

    private synchronized CloseableHttpClient client() {
        if (closed) {
            throw new IllegalStateException("the webhook transport is closed");
        }
        if (client == null) {
            client = newClient();
        }
        return client;
    }

    private CloseableHttpClient newClient() {
        DnsResolver judged = new DnsResolver() {
            @Override
            public InetAddress[] resolve(String host) throws UnknownHostException {
                TeamId team = connectingFor.get();
                if (team == null) {
                    throw new UnknownHostException("a connection for no team"); // post sets it; nothing else connects
                }
                InetAddress[] addresses;
                try {
                    addresses = deliveryLookups.lookUp(team, host);
                } catch (WebhookTransport.LookupNotStarted queued) {
                    throw new NotStartedAtConnection(queued);
                }
                Optional<String> refused = rules.refusal(Arrays.asList(addresses));
                if (refused.isPresent()) {
                    throw new RefusedAtConnection(refused.get());
                }
                return addresses;
            }

            @Override
            public String resolveCanonicalHostname(String host) throws UnknownHostException {
                return SystemDefaultDnsResolver.INSTANCE.resolveCanonicalHostname(host);
            }
        };
        SSLContext tls;
        try {
            tls = SSLContext.getDefault(); // the JVM's trust store, as the JDK client used
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("no default TLS context", e);
        }
        return HttpClients.custom()
                .setConnectionManager(PoolingHttpClientConnectionManagerBuilder.create()
                        .setDnsResolver(judged)
                        .setTlsSocketStrategy(new DefaultClientTlsStrategy(tls))
                        .setDefaultConnectionConfig(ConnectionConfig.custom()
                                .setConnectTimeout(Timeout.of(connectTimeout))
                                .setSocketTimeout(Timeout.of(answerTimeout))
                                .build())
                        .build())
                .setDefaultRequestConfig(RequestConfig.custom()
                        .setConnectionRequestTimeout(Timeout.of(connectTimeout))
                        .setResponseTimeout(Timeout.of(answerTimeout))
                        .setRedirectsEnabled(false)
                        .build())
                .disableRedirectHandling()
                .disableAutomaticRetries()
                .disableCookieManagement()
                .disableAuthCaching()
                // The body is never read, so nothing is to be decoded; and HttpClient 5.5's decompression can keep a
                // connection leased when decoding fails (CVE-2026-64607). No Accept-Encoding is sent either.
                .disableContentCompression()
                .build();
    }

    /**
     * The host's addresses for the guard's check before an attempt (the connection judges its own).
     *
     * @throws WebhookTransport.LookupNotStarted when other lookups held every delivery lookup thread meanwhile, or the
     *         team's own earlier lookups still run ({@link WebhookTransport.TeamLookupsStillRunning})
     */
    @Override
    public List<InetAddress> resolve(TeamId team, String host) {
        try {
            return Arrays.asList(deliveryLookups.lookUp(team, host));
        } catch (UnknownHostException | SecurityException e) {
            return List.of();
        }
    }

    /**
     * This transport with the lookups of subscriptions being made on threads of their own: a team's names that hang
     * there hold no delivery's lookup. A team has {@value #SUBSCRIPTION_LOOKUPS_PER_TEAM} of them under way at once, one
     * past its time counted until the resolver answers; its next one waits for it, within the lookup's limit.
     *
     * @throws WebhookTransport.LookupNotStarted from {@code resolve} when other creates' lookups held every thread
     *         meanwhile, or ({@link WebhookTransport.TeamLookupsStillRunning}) the team's own earlier one still ran: nothing
     *         is known of the host, so the create is answered "try again", not refused (ADR 0025)
     */
    public WebhookTransport subscriptionChecks() {
        return new WebhookTransport() {
            @Override
            public List<InetAddress> resolve(TeamId team, String host) {
                try {
                    return Arrays.asList(subscriptionLookups.lookUp(team, host));
                } catch (UnknownHostException | SecurityException e) {
                    return List.of();
                }
            }

            @Override
            public Response post(TeamId team, WebhookTarget target, Map<String, String> headers, String body) {
                return ApacheWebhookTransport.this.post(team, target, headers, body);
            }
        };
    }

    /** Delivery lookups still running past their time: each holds one of the {@value #LOOKUP_THREADS} threads. */
    public int deliveryLookupsPastTheirTime() {
        return deliveryLookups.runningPastTheirTime();
    }

    /** Lookups of subscriptions being made still running past their time. */
    public int subscriptionLookupsPastTheirTime() {
        return subscriptionLookups.runningPastTheirTime();
    }

    @Override
    public Response post(TeamId team, WebhookTarget target, Map<String, String> headers, String body) {
        Objects.requireNonNull(team, "team");
        HttpPost request;
        try {
            request = new HttpPost(target.uri());
        } catch (IllegalArgumentException unusable) {
            return new NoAnswer("the request could not be made: " + unusable.getMessage());
        }
        request.setEntity(new StringEntity(body, ContentType.APPLICATION_JSON));
        headers.forEach(request::setHeader);
        // The timeouts bound each wait; the whole exchange is bounded here too, so a receiver
        // trickling its answer cannot hold a scheduler thread.
        long whole = connectTimeout.plus(answerTimeout).toMillis();
        // Made before the clock starts: the first attempt's client (its TLS context) is not the receiver's time.
        CloseableHttpClient http;
        try {
            http = client();
        } catch (RuntimeException unusable) {
            return new NoAnswer("the request failed (" + unusable.getClass().getSimpleName() + ")");
        }
        AtomicBoolean cutOff = new AtomicBoolean();
        ScheduledFuture<?> deadline = deadlines.schedule(() -> {
            cutOff.set(true);
            request.cancel();
        }, whole, TimeUnit.MILLISECONDS);
        // The classic client connects on this thread, so its resolver reads the team here.
        connectingFor.set(team);
        try {
            CloseableHttpResponse response = CloseableHttpResponse.adapt(http.executeOpen(null, request, null));
            int code = response.getCode();
            // The status is the answer: the connection is dropped, not drained. A plain close() would read the rest of
            // the body, and a large, slow or cut-off body would then turn a receiver's 2xx into a failed attempt.
            response.close(CloseMode.IMMEDIATE);
            return new Answered(code);
        } catch (NotStartedAtConnection queued) {
            throw queued.notStarted;
        } catch (IOException failed) {
            return cutOff.get() ? new NoAnswer("no whole answer within " + whole + " ms") : failure(failed);
        } catch (RuntimeException unusable) {
            // A cancelled request may surface as an IllegalStateException: the cut-off is the reason then.
            return cutOff.get() ? new NoAnswer("no whole answer within " + whole + " ms")
                    : new NoAnswer("the request failed (" + unusable.getClass().getSimpleName() + ")");
        } finally {
            connectingFor.remove();
            deadline.cancel(false);
        }
    }

    private Response failure(IOException cause) {
        return switch (cause) {
            case RefusedAtConnection e -> new NoAnswer("target refused at connection: " + e.getMessage());
            case UnknownHostException e -> new NoAnswer("the host does not resolve");
            case ConnectTimeoutException e -> new NoAnswer("connect timeout after " + connectTimeout.toMillis() + " ms");
            case SocketTimeoutException e -> new NoAnswer("no answer within " + answerTimeout.toMillis() + " ms");
            case ConnectException e -> new NoAnswer("connection refused");
            default -> new NoAnswer("connection failed (" + cause.getClass().getSimpleName() + ")");
        };
    }

    @Override
    public void close() {
        synchronized (this) {
            closed = true;
            if (client != null) {
                client.close(CloseMode.GRACEFUL);
            }
        }
        deadlines.shutdownNow();
        deliveryLookups.close();
        subscriptionLookups.close();
    }
}
