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
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeoutException;
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
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.client5.http.ssl.DefaultClientTlsStrategy;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.io.entity.StringEntity;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.util.Timeout;
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
 * receiver's body is never read: the connection is dropped instead.
 */
public final class ApacheWebhookTransport implements WebhookTransport, AutoCloseable {

    /** A resolution the rules refused, at the moment of the connection. */
    static final class RefusedAtConnection extends UnknownHostException {
        RefusedAtConnection(String why) {
            super(why);
        }
    }

    /** A connection's lookup that waited its whole time behind others and never began (not the receiver's doing). */
    static final class NotStartedAtConnection extends UnknownHostException {
        NotStartedAtConnection(String why) {
            super(why);
        }
    }

    /**
     * Threads that wait on the system resolver for us, so that our wait can end: it has no time limit of its own. Each
     * pool's: one for the deliveries, one for subscriptions being made (on HTTP threads, under no delivery slot), so that
     * names that hang in one cannot hold the other's threads.
     */
    private static final int LOOKUP_THREADS = 4;

    private final ScheduledExecutorService deadlines;
    private final ExecutorService deliveryLookups;
    private final ExecutorService subscriptionLookups;
    private final Duration connectTimeout;
    private final Duration answerTimeout;
    private final TargetAddressRules rules;
    // Built at the first delivery, not with the bean: HttpClient's ~200 classes are then not loaded by a start
    // (the bean is made before the server listens) nor kept in the AOT cache for every start (ADR 0082).
    private CloseableHttpClient client;
    private boolean closed;

    public ApacheWebhookTransport(Duration connectTimeout, Duration answerTimeout, TargetAddressRules rules) {
        this.connectTimeout = Objects.requireNonNull(connectTimeout, "connect timeout");
        this.answerTimeout = Objects.requireNonNull(answerTimeout, "answer timeout");
        this.rules = Objects.requireNonNull(rules, "rules");
        this.deadlines = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon()
                .name("webhook-deadlines").factory());
        this.deliveryLookups = Executors.newFixedThreadPool(LOOKUP_THREADS, Thread.ofPlatform().daemon()
                .name("webhook-dns-", 0).factory());
        this.subscriptionLookups = Executors.newFixedThreadPool(LOOKUP_THREADS, Thread.ofPlatform().daemon()
                .name("webhook-subscription-dns-", 0).factory());
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
                InetAddress[] addresses;
                try {
                    addresses = lookUp(host, deliveryLookups);
                } catch (WebhookTransport.LookupNotStarted queued) {
                    throw new NotStartedAtConnection(queued.getMessage());
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
                .build();
    }

    /**
     * The host's addresses for the guard's check before an attempt (the connection judges its own).
     *
     * @throws WebhookTransport.LookupNotStarted when other lookups held every delivery lookup thread meanwhile
     */
    @Override
    public List<InetAddress> resolve(String host) {
        try {
            return Arrays.asList(lookUp(host, deliveryLookups));
        } catch (UnknownHostException | SecurityException e) {
            return List.of();
        }
    }

    /**
     * This transport with the lookups of subscriptions being made on threads of their own: a team's names that hang
     * there hold no delivery's lookup.
     *
     * @throws WebhookTransport.LookupNotStarted from {@code resolve} when other creates' lookups held every thread
     *         meanwhile: nothing is known of the host, so the create is answered "try again", not refused (ADR 0025)
     */
    public WebhookTransport subscriptionChecks() {
        return new WebhookTransport() {
            @Override
            public List<InetAddress> resolve(String host) {
                try {
                    return Arrays.asList(lookUp(host, subscriptionLookups));
                } catch (UnknownHostException | SecurityException e) {
                    return List.of();
                }
            }

            @Override
            public Response post(WebhookTarget target, Map<String, String> headers, String body) {
                return ApacheWebhookTransport.this.post(target, headers, body);
            }
        };
    }

    /**
     * The system resolver's answer within the connect timeout (a lookup is part of connecting): the resolver's own
     * retries can take far longer, on a job thread. A lookup still running then is left to end on its own thread;
     * those are few, so lookups that hang queue behind them and time out too, never more threads. One that timed out
     * before it began is {@link WebhookTransport.LookupNotStarted}: the hanging names were others'.
     */
    InetAddress[] lookUp(String host, ExecutorService pool) throws UnknownHostException {
        // Claimed by whichever comes first: the lookup beginning, or our wait giving up on it.
        AtomicBoolean claimed = new AtomicBoolean();
        Future<InetAddress[]> lookup;
        try {
            lookup = pool.submit(() -> claimed.compareAndSet(false, true) ? InetAddress.getAllByName(host) : null);
        } catch (RejectedExecutionException closed) {
            throw new UnknownHostException("the webhook transport is closed");
        }
        try {
            return lookup.get(connectTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownHostException unknown) {
                throw unknown;
            }
            throw new UnknownHostException("the lookup failed (" + e.getCause().getClass().getSimpleName() + ")");
        } catch (TimeoutException e) {
            boolean neverBegan = claimed.compareAndSet(false, true);
            lookup.cancel(true);
            if (neverBegan) {
                throw new WebhookTransport.LookupNotStarted("the lookup waited " + connectTimeout.toMillis()
                        + " ms behind others and never began");
            }
            throw new UnknownHostException("no lookup answer within " + connectTimeout.toMillis() + " ms");
        } catch (InterruptedException e) {
            lookup.cancel(true);
            Thread.currentThread().interrupt();
            throw new UnknownHostException("interrupted while looking the host up");
        }
    }

    @Override
    public Response post(WebhookTarget target, Map<String, String> headers, String body) {
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
        try (ClassicHttpResponse response = http.executeOpen(null, request, null)) {
            // Closed unread: the connection is dropped rather than drained.
            return new Answered(response.getCode());
        } catch (NotStartedAtConnection queued) {
            throw new WebhookTransport.LookupNotStarted(queued.getMessage());
        } catch (IOException failed) {
            return cutOff.get() ? new NoAnswer("no whole answer within " + whole + " ms") : failure(failed);
        } catch (RuntimeException unusable) {
            // A cancelled request may surface as an IllegalStateException: the cut-off is the reason then.
            return cutOff.get() ? new NoAnswer("no whole answer within " + whole + " ms")
                    : new NoAnswer("the request failed (" + unusable.getClass().getSimpleName() + ")");
        } finally {
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
        deliveryLookups.shutdownNow();
        subscriptionLookups.shutdownNow();
    }
}
