package org.vpsrecovery.adapters.http.console;

import io.micronaut.context.annotation.Requires;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.convert.exceptions.ConversionErrorException;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Consumes;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Error;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.Produces;
import io.micronaut.http.cookie.Cookie;
import io.micronaut.http.cookie.SameSite;
import io.micronaut.http.exceptions.BufferLengthExceededException;
import io.micronaut.http.exceptions.ContentLengthExceededException;
import io.micronaut.http.exceptions.HttpStatusException;
import io.micronaut.http.server.exceptions.NotAllowedException;
import io.micronaut.http.server.exceptions.UnsupportedMediaException;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.views.ModelAndView;
import io.micronaut.web.router.exceptions.UnsatisfiedRouteException;
import io.netty.handler.codec.DecoderException;
import io.swagger.v3.oas.annotations.Hidden;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vpsrecovery.adapters.http.console.ConsoleViews.Chrome;
import org.vpsrecovery.adapters.http.console.ConsoleViews.NavLink;
import org.vpsrecovery.adapters.http.facade.AuditCsv;
import org.vpsrecovery.adapters.http.facade.AuditReadRecords;
import org.vpsrecovery.adapters.http.facade.AuditReportParameters;
import org.vpsrecovery.adapters.http.facade.Caller;
import org.vpsrecovery.adapters.http.facade.CallerAuthenticationFilter;
import org.vpsrecovery.adapters.http.facade.ClientGone;
import org.vpsrecovery.adapters.http.facade.FacadeProblems;
import org.vpsrecovery.adapters.http.facade.InvalidRequest;
import org.vpsrecovery.adapters.http.facade.RequestAttributes;
import org.vpsrecovery.application.audit.AuditReader;
import org.vpsrecovery.application.audit.ListAuditEventsUseCase;
import org.vpsrecovery.application.audit.RecordAuditReadUseCase;
import org.vpsrecovery.application.audit.ReportRecoverabilityUseCase;
import org.vpsrecovery.application.audit.SummarizeAuditUseCase;
import org.vpsrecovery.application.audit.VerifyAuditChainUseCase;
import org.vpsrecovery.application.fairshare.AdmitTeamRequestUseCase;
import org.vpsrecovery.application.operation.ListOperationsUseCase;
import org.vpsrecovery.application.session.SignInSessionsUseCase;
import org.vpsrecovery.domain.common.RecoveryException;
import org.vpsrecovery.domain.port.AuditEventStream;
import org.vpsrecovery.domain.report.SummaryBucket;
import org.vpsrecovery.domain.report.SummaryQuery;
import org.vpsrecovery.domain.session.SessionHolder;
import org.vpsrecovery.domain.session.SignInSession;

/**
 * The web console (ADR 0041): pages rendered on the server from the use cases the REST facade calls,
 * for a caller signed in with the very token check of the API. Every page that reads the audit is
 * itself recorded as an AUDIT_READ, as on the API. No page carries a token; the session cookie holds
 * a random id only. Blocking reads: never on the event loop.
 */
@Controller("/console")
// Pages are HTML, each declared so (without it a route produced JSON, and a client accepting text/html alone got a 500,
// a 406 turned into the error page). Not on the class: Micronaut adds a class's @Produces to a method's, so the
// stylesheet and the CSV export offered HTML too, and an Accept that refused CSS or CSV was answered them (session 43).
@ExecuteOn(TaskExecutors.BLOCKING)
@Hidden
@Requires(beans = SignInSessionsUseCase.class)
public class ConsoleController {

    private static final Logger LOG = LoggerFactory.getLogger(ConsoleController.class);
    static final String SESSION_COOKIE = "vpsr_console";
    static final String SIGN_IN_COOKIE = "vpsr_console_sign_in";
    /** Set on a request whose session this instance does not honour yet: opened after this instance loaded its configuration. */
    private static final String NOT_HONOURED_YET = "vpsr.console.session-not-honoured-yet";
    private static final String PATH = "/console";
    private static final Set<String> EVENT_PARAMETERS = Set.of("team", "server_id", "operation", "outcome",
            "reason_code", "from", "to", "request_id", "actor", "limit", "cursor");
    private static final Set<String> SUMMARY_PARAMETERS = Set.of("team", "from", "to", "bucket", "top");
    private static final int MAX_TOKEN_LENGTH = 8192;

    private final CallerAuthenticationFilter authentication;
    private final SignInSessionsUseCase sessions;
    private final ReportRecoverabilityUseCase recoverability;
    private final ListAuditEventsUseCase events;
    private final VerifyAuditChainUseCase verify;
    private final SummarizeAuditUseCase summarize;
    private final ListOperationsUseCase operations;
    private final RecordAuditReadUseCase reads;
    private final ConsoleSettings settings;
    private final AdmitTeamRequestUseCase admissions;
    private final SignInFormTokens signInForms;
    private final FailedSignIns failedSignIns;
    private final ForwardedHeaders forwarded;
    private final Clock clock;
    private final ConfigurationLoaded configurationLoaded;

    public ConsoleController(CallerAuthenticationFilter authentication, SignInSessionsUseCase sessions,
                             ReportRecoverabilityUseCase recoverability, ListAuditEventsUseCase events,
                             VerifyAuditChainUseCase verify, SummarizeAuditUseCase summarize,
                             ListOperationsUseCase operations, RecordAuditReadUseCase reads,
                             ConsoleSettings settings, AdmitTeamRequestUseCase admissions,
                             SignInFormTokens signInForms, FailedSignIns failedSignIns, ForwardedHeaders forwarded,
                             Clock clock, ConfigurationLoaded configurationLoaded) {
        this.authentication = authentication;
        this.sessions = sessions;
        this.recoverability = recoverability;
        this.events = events;
        this.verify = verify;
        this.summarize = summarize;
        this.operations = operations;
        this.reads = reads;
        this.settings = settings;
        this.admissions = admissions;
        this.signInForms = signInForms;
        this.failedSignIns = failedSignIns;
        this.forwarded = forwarded;
        this.clock = clock;
        this.configurationLoaded = configurationLoaded;
    }

    // ---- signing in and out ----

    @Get("/sign-in")
    @Produces(MediaType.TEXT_HTML)
    public HttpResponse<?> signInForm(HttpRequest<?> request) {
        // Where to go once signed in: a page of this console only, never another site (ADR 0041, session 52).
        String next = ConsoleReturnPath.safe(request.getParameters().get("next")).orElse("");
        if (session(request).isPresent()) {
            return next.isEmpty() ? seeOther("/") : HttpResponse.seeOther(URI.create(next));
        }
        String notice = "1".equals(request.getParameters().get("expired")) ? SESSION_ENDED : "";
        return signInPage(request, HttpStatus.OK, new SignInError("", false), notice, "", next);
    }

    static final String SESSION_ENDED = "Your session ended; sign in again.";

    /** What the sign-in page says went wrong; {@code ofToken}: the token field is what was wrong (aria-invalid). */
    private record SignInError(String text, boolean ofToken) {
    }

    private MutableHttpResponse<?> signInPage(HttpRequest<?> request, HttpStatus status, SignInError error, String notice,
                                              String team, String next) {
        String csrf = signInForms.mint();
        return HttpResponse.status(status)
                .body(new ModelAndView<>("console/signin", Map.of("page",
                        new ConsoleViews.SignIn(csrf, error.text(), error.ofToken(), notice, team, next))))
                .cookie(cookie(request, SIGN_IN_COOKIE, csrf).maxAge(SignInFormTokens.LIFETIME));
    }

    private MutableHttpResponse<?> signInPage(HttpRequest<?> request, HttpStatus status, String error, String team,
                                              String next) {
        return signInPage(request, status, new SignInError(error, false), "", team, next);
    }

    /**
     * A refused token in the console's words: the API's ("Authorization: Bearer <token>", the team header) name what a
     * browser's user never sends (session 52). An identity provider's short reason (expired, wrong issuer) is kept.
     */
    private static String refusalOf(CallerAuthenticationFilter.Identified identified) {
        return switch (identified.refusedAs()) {
            case ANOTHER_TEAM -> "This token was not accepted for that team: a team's service token acts for its own "
                    + "team only. Leave Team empty, or enter the token's team.";
            case NOT_ENTITLED, NONE, NO_VALID_TOKEN, TEAM_NOT_CHOSEN -> {
                String why = identified.refusal();
                if (why == null || why.contains("Authorization") || why.contains("Bearer")
                        || why.contains(org.vpsrecovery.adapters.http.facade.JwtBearerTokens.TEAM_HEADER)) {
                    yield "This token was not accepted. Check that you pasted all of it: a team's token, an auditor's "
                            + "token, or a JWT from your identity provider that has not expired.";
                }
                yield "This token was not accepted: " + why + ".";
            }
        };
    }

    /** The token is checked exactly as a bearer token on the API; a session is opened for who it names. */
    @Post("/sign-in")
    @Produces(MediaType.TEXT_HTML)
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public HttpResponse<?> signIn(HttpRequest<?> request, @Nullable @Body Map<String, String> posted) {
        // A form posted empty is bound as none: read as a form without fields (refused by its CSRF check).
        Map<String, String> form = posted == null ? Map.of() : posted;
        String expected = request.getCookies().findCookie(SIGN_IN_COOKIE).map(Cookie::getValue).orElse(null);
        String team = Optional.ofNullable(form.get("team")).map(String::strip).orElse("");
        String next = ConsoleReturnPath.safe(form.get("next")).orElse("");
        // The cookie alone was the check: any equal pair passed, one an attacker planted included (session 49).
        if (!signInForms.accepts(expected, form.get("csrf"))) {
            // A fresh form, not a dead end (session 52): a form left open past its 30 minutes is an everyday case, and
            // a forged post gains nothing from a form its sender cannot read.
            return signInPage(request, HttpStatus.FORBIDDEN, "This sign-in form was open too long (over 30 minutes), "
                    + "or was not the one this browser was given. Enter your token again.", team, next);
        }
        String token = Optional.ofNullable(form.get("token")).map(String::strip).orElse("");
        if (token.isEmpty() || token.length() > MAX_TOKEN_LENGTH) {
            return signInPage(request, HttpStatus.BAD_REQUEST, new SignInError("Enter a token.", true), "", team, next);
        }
        // Failed sign-ins are throttled per client address before the token is checked, and counted overall after it
        // (ADR 0041, amended in session 50): they were neither limited nor logged.
        FailedSignIns.Admission admission = failedSignIns.admit(request);
        if (admission.attempt().isEmpty()) {
            String seconds = FacadeProblems.retryAfterSeconds(admission.retryAfter());
            return signInPage(request, HttpStatus.TOO_MANY_REQUESTS, "Too many failed sign-ins from this address. "
                    + "Wait " + seconds + " seconds, then try again.", team, next)
                    .header(HttpHeaders.RETRY_AFTER, seconds);
        }
        FailedSignIns.Attempt attempt = admission.attempt().get();
        CallerAuthenticationFilter.Identified identified;
        try {
            identified = authentication.identify(token, team.isEmpty() ? Optional.empty() : Optional.of(team));
        } catch (RuntimeException e) {
            // Not left under way: the address's attempts waiting for it would wait out their bound (session 56).
            failedSignIns.ended(attempt);
            throw e;
        }
        if (identified.caller().isEmpty() && identified.keysUnavailable().isEmpty()
                && identified.refusedAs() != CallerAuthenticationFilter.Refusal.TEAM_NOT_CHOSEN) {
            Optional<FailedSignIns.Refusal> refused = failedSignIns.failed(attempt, identified.refusal());
            if (refused.isPresent()) {
                String seconds = FacadeProblems.retryAfterSeconds(refused.get().retryAfter());
                return signInPage(request, HttpStatus.TOO_MANY_REQUESTS, "This token was not accepted, and too many "
                        + (refused.get().everyAddress() ? "sign-ins are failing from everywhere at once"
                                : "sign-ins have failed from this address") + ". Wait " + seconds
                        + " seconds, then try again.", team, next)
                        .header(HttpHeaders.RETRY_AFTER, seconds);
            }
        } else {
            // Signed in, a valid token with its team still to choose, or not checked at all (the identity provider out
            // of reach): no failure of the sender's.
            failedSignIns.notFailed(attempt);
        }
        if (identified.keysUnavailable().isPresent()) {
            // As the API's 503 for the same outage: when to try again.
            return signInPage(request, HttpStatus.SERVICE_UNAVAILABLE,
                    "The identity provider cannot be reached to check this token; try again shortly.", team, next)
                    .header(HttpHeaders.RETRY_AFTER, FacadeProblems.retryAfterSeconds(FacadeProblems.UNAVAILABLE_RETRY_AFTER));
        }
        if (identified.caller().isEmpty()) {
            HttpStatus status = switch (identified.refusedAs()) {
                case ANOTHER_TEAM, TEAM_NOT_CHOSEN -> HttpStatus.BAD_REQUEST;
                case NOT_ENTITLED -> HttpStatus.FORBIDDEN;
                case NONE, NO_VALID_TOKEN -> HttpStatus.UNAUTHORIZED;
            };
            if (identified.refusedAs() == CallerAuthenticationFilter.Refusal.TEAM_NOT_CHOSEN) {
                return signInPage(request, status, "This token names several teams: enter the one to act for in Team.",
                        team, next);
            }
            return signInPage(request, status, new SignInError(refusalOf(identified), true), "", team, next);
        }
        if (identified.validUntil().filter(until -> !until.isAfter(clock.instant())).isPresent()) {
            // A JWT within the clock skew past its exp: accepted by the API this instant, but no session to open.
            return signInPage(request, HttpStatus.UNAUTHORIZED, new SignInError("This token has expired.", true), "",
                    team, next);
        }
        Caller caller = identified.caller().get();
        SessionHolder holder = switch (caller) {
            case Caller.Team t -> new SessionHolder.Team(t.team());
            case Caller.Auditor a -> new SessionHolder.Auditor(a.auditor().name().value());
        };
        // The session this browser held until now ends: signing in again left it open, usable by whoever kept its cookie.
        sessionId(request).ifPresent(sessions::close);
        SignInSessionsUseCase.Opened opened = sessions.open(holder, caller.actor(), identified.validUntil(),
                identified.credential());
        LOG.info("console session opened for {}", caller.actor().subject());
        return (next.isEmpty() ? seeOther("/") : HttpResponse.seeOther(URI.create(next)))
                .cookie(cookie(request, SESSION_COOKIE, opened.id()))
                .cookie(cookie(request, SIGN_IN_COOKIE, "").maxAge(0));
    }

    @Post("/sign-out")
    @Produces(MediaType.TEXT_HTML)
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public HttpResponse<?> signOut(HttpRequest<?> request, @Nullable @Body Map<String, String> posted) {
        // A form posted empty is bound as none: read as a form without fields (refused by its CSRF check).
        Map<String, String> form = posted == null ? Map.of() : posted;
        // Found, not checked against this instance's configuration: closing one's own session is right whoever
        // honours it, and a session this instance does not honour yet (a rolling restart) must end too (session 50).
        Optional<SignInSession> session = sessionId(request).flatMap(sessions::find);
        if (session.isEmpty()) {
            // No cookie is touched: a cross-site post (which SameSite=Strict sends without the cookie) changes nothing.
            return seeOther("/sign-in");
        }
        if (!sameSecret(session.get().csrfToken(), form.get("csrf"))) {
            return csrfRefused();
        }
        sessions.close(sessionId(request).orElseThrow());
        return seeOther("/sign-in").cookie(cookie(request, SESSION_COOKIE, "").maxAge(0));
    }

    // ---- pages ----

    @Get("/")
    @Produces(MediaType.TEXT_HTML)
    public HttpResponse<?> dashboard(HttpRequest<?> request) {
        return signedIn(request, "Recoverability", "/", true, session -> {
            AuditReader reader = RequestAttributes.auditReader(request);
            AuditReportParameters parameters = AuditReportParameters.of(request, Set.of("expiring_within_days"));
            int days = parameters.boundedInteger("expiring_within_days", 0,
                    (int) ReportRecoverabilityUseCase.MAX_EXPIRING_WITHIN.toDays(), 7);
            var report = recoverability.reportRecoverability(reader, Duration.ofDays(days));
            AuditReadRecords.record(reads, request, reader, "console-recoverability");
            return new Page("console/dashboard", ConsolePages.dashboard(report, settings));
        });
    }

    @Get("/audit/events")
    @Produces(MediaType.TEXT_HTML)
    public HttpResponse<?> timeline(HttpRequest<?> request) {
        Optional<MutableHttpResponse<?>> canonical = withoutBlankFilters(request);
        if (canonical.isPresent()) {
            return canonical.get();
        }
        return signedIn(request, "Audit timeline", "/audit/events", false, session -> {
            AuditReader reader = RequestAttributes.auditReader(request);
            try {
                AuditReportParameters parameters = AuditReportParameters.of(request, EVENT_PARAMETERS);
                // The page's slot is kept while its read is recorded, as the API's: the record's wait for the pool
                // is bounded by the slots too (ADR 0062, session 56).
                try (var page = events.openAuditEventPage(reader, parameters.eventFilter(), parameters.cursor(),
                        parameters.limit())) {
                    AuditReadRecords.record(reads, request, reader, "console-events");
                    return new Page("console/timeline", ConsolePages.timeline(request.getParameters().asMap(), page.value()));
                }
            } catch (InvalidRequest refused) {
                // The page again, its form as given and the message tied to its field: a bare 400 page had no header,
                // no form and no field (ADR 0041, amended in session 52).
                return new Page("console/timeline", ConsolePages.timelineRefused(request.getParameters().asMap(),
                        fieldError(refused)), HttpStatus.BAD_REQUEST);
            }
        });
    }

    /** The same CSV as the API's export, filtered as the timeline shown. */
    @Get("/audit/events.csv")
    @Produces(AuditCsv.MEDIA_TYPE)
    public HttpResponse<?> export(HttpRequest<?> request) {
        Optional<SignInSession> session = session(request);
        if (session.isEmpty()) {
            // Back to the timeline the export was made from: signing in again must not start a download.
            return request.getAttribute(NOT_HONOURED_YET).isPresent() ? notSignedIn(request)
                    : toSignIn(request, PATH + "/audit/events");
        }
        authenticate(request, session.get());
        if (session.get().holder() instanceof SessionHolder.Team team) {
            admissions.admit(team.team(), false).close();
        }
        AuditReader reader = RequestAttributes.auditReader(request);
        AuditReportParameters parameters = AuditReportParameters.of(request, EVENT_PARAMETERS);
        if (parameters.text("cursor").isPresent() || parameters.text("limit").isPresent()) {
            throw new InvalidRequest(org.vpsrecovery.adapters.http.facade.RequestReason.INVALID_QUERY_PARAMETER, "cursor",
                    "the CSV export holds every matching event: cursor and limit apply to pages only");
        }
        AuditEventStream opened = events.exportAuditEvents(reader, parameters.eventFilter());
        AuditEventStream stream;
        try {
            // As the API's export: an altered event in the first batch is a page saying so, not a 200 cut short.
            stream = AuditCsv.readAhead(opened);
            AuditReadRecords.record(reads, request, reader, "console-export");
        } catch (RuntimeException notServed) {
            opened.close();
            throw notServed;
        }
        return HttpResponse.ok(new AuditCsv(stream)).contentType(MediaType.of(AuditCsv.MEDIA_TYPE + ";charset=utf-8"))
                .header("Content-Disposition", "attachment; filename=\"audit-events.csv\"");
    }

    @Get("/audit/verify")
    @Produces(MediaType.TEXT_HTML)
    public HttpResponse<?> verifyChain(HttpRequest<?> request) {
        return signedIn(request, "Audit chain", "/audit/verify", false, session -> {
            AuditReader reader = RequestAttributes.auditReader(request);
            AuditReportParameters.of(request, Set.of());
            var verification = verify.verifyAuditChain(reader);
            AuditReadRecords.record(reads, request, reader, "console-verify");
            return new Page("console/verify", ConsolePages.verification(verification));
        });
    }

    @Get("/audit/summary")
    @Produces(MediaType.TEXT_HTML)
    public HttpResponse<?> summary(HttpRequest<?> request) {
        Optional<MutableHttpResponse<?>> canonical = withoutBlankFilters(request);
        if (canonical.isPresent()) {
            return canonical.get();
        }
        return signedIn(request, "Summary", "/audit/summary", false, session -> {
            try {
                return summaryPage(request);
            } catch (InvalidRequest refused) {
                return new Page("console/summary", ConsolePages.summaryRefused(request.getParameters().asMap(),
                        fieldError(refused)), HttpStatus.BAD_REQUEST);
            }
        });
    }

    private static ConsoleViews.FieldError fieldError(InvalidRequest refused) {
        return new ConsoleViews.FieldError(refused.field(), refused.getMessage() + " (" + refused.reason().name() + ")");
    }

    private Page summaryPage(HttpRequest<?> request) {
        AuditReader reader = RequestAttributes.auditReader(request);
        AuditReportParameters parameters = AuditReportParameters.of(request, SUMMARY_PARAMETERS);
        List<Optional<Instant>> range = parameters.timeRange();
        int top = parameters.boundedInteger("top", 1, SummaryQuery.MAX_TOP_REASONS, 10);
        SummaryQuery query;
        try {
            // The chart sums every team per bucket: the counts summed over the teams are all it needs (ADR 0078).
            query = SummaryQuery.withDefaultPeriod(parameters.team(), range.get(0), range.get(1),
                    parameters.bucket(), top, false, clock.instant());
        } catch (IllegalArgumentException e) {
            throw new InvalidRequest(org.vpsrecovery.adapters.http.facade.RequestReason.INVALID_TIME_RANGE, "from",
                    e.getMessage());
        }
        if (query.bucket() == SummaryBucket.DAY
                && Duration.between(query.from(), query.to()).compareTo(Duration.ofDays(MAX_SUMMARY_DAYS_BY_DAY)) > 0) {
            throw new InvalidRequest(org.vpsrecovery.adapters.http.facade.RequestReason.SUMMARY_TOO_LARGE, "bucket",
                    "this page shows at most " + MAX_SUMMARY_DAYS_BY_DAY + " days by day: choose by month, "
                            + "a shorter period, or the API's summary, which streams a larger answer");
        }
        var summary = summarize.summarizeAudit(reader, query);
        AuditReadRecords.record(reads, request, reader, "console-summary");
        return new Page("console/summary", ConsolePages.summary(summary, request.getParameters().asMap()));
    }

    /**
     * The summary page is made whole in memory once its read's slot is given back (the API streams a large answer, ADR
     * 0064): by day a year at most, 366 bars and ~8,800 counts summed over the teams at 10 M events a year (ADR 0078),
     * within the 20,000 the API sends as one body. Ten years by day were ~85,000 rows and their bars against a 160 MB
     * heap; by month the ten years every summary may cover are 120 bars.
     */
    static final int MAX_SUMMARY_DAYS_BY_DAY = 366;

    /** At most this many operations in flight on the page; it says when more are. */
    static final int OPERATIONS_SHOWN = 200;

    /**
     * Operations not yet final, newest first: what VPS.org is doing for the reader's teams now. Read as such, not as the
     * newest operations with the ended ones dropped, which hides an older one in flight behind newer ended ones.
     */
    @Get("/operations")
    @Produces(MediaType.TEXT_HTML)
    public HttpResponse<?> operationsInFlight(HttpRequest<?> request) {
        return signedIn(request, "Operations in flight", "/operations", false, session -> {
            AuditReader reader = RequestAttributes.auditReader(request);
            AuditReportParameters.of(request, Set.of());
            var inFlight = operations.listInFlight(reader, OPERATIONS_SHOWN);
            return new Page("console/operations", ConsolePages.operations(inFlight, clock.instant()));
        });
    }

    @Get("/assets/console.css")
    @Produces("text/css")
    public HttpResponse<byte[]> stylesheet() {
        try (InputStream css = ConsoleController.class.getResourceAsStream("/console/console.css")) {
            return HttpResponse.ok(css.readAllBytes()).contentType("text/css; charset=utf-8");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Anything else under /console/ is a page that does not exist, answered as a page. */
    @Get("/{+path}")
    @Produces(MediaType.TEXT_HTML)
    public HttpResponse<?> notFound(HttpRequest<?> request, String path) {
        return problem(HttpStatus.NOT_FOUND, "Page not found", "There is no console page at this address.",
                session(request).isPresent());
    }

    // ---- errors: pages, never stack traces ----

    /**
     * This route beats the global handlers for every request under /console/, Micronaut's own refusals included: each
     * is answered as a page with its status. A request Micronaut could not decode is the sender's (its form may hold
     * the token being signed in with): its failure's types are logged, never its messages, which quote the form.
     */
    @Error
    @Produces(MediaType.TEXT_HTML)
    public HttpResponse<?> failed(HttpRequest<?> request, Throwable failure) {
        boolean signedIn = request.getAttribute(SIGNED_IN).isPresent();
        return switch (failure) {
            case InvalidRequest invalid -> problem(HttpStatus.BAD_REQUEST, "This page cannot show that",
                    invalid.getMessage() + " (" + invalid.reason().name() + ")", signedIn);
            // A form or a parameter Micronaut could not bind: the sender's mistake, answered as a page.
            case UnsatisfiedRouteException unbound -> notAForm(signedIn);
            case ConversionErrorException unbound -> notAForm(signedIn);
            case RecoveryException refused -> {
                HttpStatus status = FacadeProblems.statusOf(refused);
                // The API's detail, never the message, which may name the platform's settings (the VPS.org token's).
                FacadeProblems.logIfOurs(LOG, request, status, refused);
                MutableHttpResponse<?> page = problem(status, title(status),
                        FacadeProblems.detailOf(refused) + " (" + FacadeProblems.reasonOf(refused).name() + ")", signedIn);
                // A 429 or 503 page says when to come back, as the API's answer does.
                FacadeProblems.retryAfterOf(refused, status, clock)
                        .ifPresent(wait -> page.header(HttpHeaders.RETRY_AFTER, FacadeProblems.retryAfterSeconds(wait)));
                yield page;
            }
            case NotAllowedException notAllowed -> problem(HttpStatus.METHOD_NOT_ALLOWED, "Not allowed here",
                    "This console address does not answer " + request.getMethodName() + ".", signedIn)
                    .header(HttpHeaders.ALLOW, String.join(", ", new TreeSet<>(notAllowed.getAllowedMethods())));
            case UnsupportedMediaException unsupported -> problem(HttpStatus.UNSUPPORTED_MEDIA_TYPE,
                    "This page cannot show that", "The request was not a form this page reads.", signedIn);
            case ContentLengthExceededException tooLarge -> tooLarge(signedIn);
            case BufferLengthExceededException tooLarge -> tooLarge(signedIn);
            // The console's own refusals before a page (ConsoleSecurityHeaders): their words are ours.
            case ConsoleRequestRefused refused -> problem(refused.getStatus(), refused.title(), refused.getMessage(),
                    signedIn);
            // Any other refusal of Micronaut's by its status; its message is not shown (it may quote the request).
            case HttpStatusException refused -> problem(refused.getStatus(), title(refused.getStatus()),
                    refused.getStatus().getReason() + ".", signedIn);
            default -> {
                if (ClientGone.is(failure)) {
                    LOG.debug("console request {} {}: the client went away before it was read ({})",
                            request.getMethodName(), request.getPath(), typesOf(failure));
                    yield notAForm(signedIn);
                }
                if (undecodable(failure)) {
                    LOG.warn("console request {} {} could not be decoded ({}); answered 400",
                            request.getMethodName(), request.getPath(), typesOf(failure));
                    yield notAForm(signedIn);
                }
                LOG.error("console page failed (request {})", RequestAttributes.requestId(request), failure);
                yield problem(HttpStatus.INTERNAL_SERVER_ERROR, "Something went wrong",
                        "The page could not be made. Request id: " + RequestAttributes.requestId(request), signedIn);
            }
        };
    }

    /** Netty could not decode the request (a form with a bad percent-escape, a cut multipart): the sender's mistake. */
    private static boolean undecodable(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof DecoderException) {
                return true;
            }
        }
        return false;
    }

    /** The failure's chain by type alone: the messages of a decoding failure quote what was sent. */
    private static String typesOf(Throwable failure) {
        List<String> types = new ArrayList<>();
        for (Throwable t = failure; t != null && types.size() < 8; t = t.getCause() == t ? null : t.getCause()) {
            types.add(t.getClass().getName());
        }
        return String.join(" <- ", types);
    }

    private static MutableHttpResponse<?> tooLarge(boolean signedIn) {
        return problem(HttpStatus.REQUEST_ENTITY_TOO_LARGE, "Too large",
                "The form was larger than this console accepts.", signedIn);
    }

    private static MutableHttpResponse<?> notAForm(boolean signedIn) {
        return problem(HttpStatus.BAD_REQUEST, "This page cannot show that", "The request was not a form this page reads.",
                signedIn);
    }

    private static String title(HttpStatus status) {
        return switch (status) {
            case FORBIDDEN -> "Not for this sign-in";
            case NOT_FOUND -> "Not found";
            case SERVICE_UNAVAILABLE, TOO_MANY_REQUESTS -> "Unavailable for now";
            case BAD_GATEWAY, GATEWAY_TIMEOUT -> "VPS.org did not answer";
            default -> "Refused";
        };
    }

    /**
     * A filter form sends its empty fields too ({@code team=&...}); the reports refuse an empty value, so
     * the browser is sent to the same page without them (and the address shows only the filters used). A From or To
     * given as the pages show times ({@code 2026-12-07 10:53 UTC}) or as a date ({@code 2026-12-01}), UTC both, is
     * sent on as the ISO instant the reports take (ADR 0041, amended in session 52: they were refused).
     */
    private static Optional<MutableHttpResponse<?>> withoutBlankFilters(HttpRequest<?> request) {
        Map<String, List<String>> given = request.getParameters().asMap();
        boolean changed = false;
        List<String> parameters = new ArrayList<>();
        for (Map.Entry<String, List<String>> parameter : given.entrySet()) {
            for (String value : parameter.getValue()) {
                if (value.isBlank()) {
                    changed = true;
                    continue;
                }
                String sent = value;
                if (parameter.getKey().equals("from") || parameter.getKey().equals("to")) {
                    Optional<String> instant = ConsoleTimes.asInstant(value);
                    changed |= instant.isPresent();
                    sent = instant.orElse(value);
                }
                parameters.add(java.net.URLEncoder.encode(parameter.getKey(), StandardCharsets.UTF_8) + "="
                        + java.net.URLEncoder.encode(sent, StandardCharsets.UTF_8));
            }
        }
        if (!changed) {
            return Optional.empty();
        }
        return Optional.of(HttpResponse.seeOther(URI.create(request.getUri().getRawPath()
                + (parameters.isEmpty() ? "" : "?" + String.join("&", parameters)))));
    }

    // ---- the session ----

    private static final String SIGNED_IN = "vpsr.console.signed-in";

    /** A page's template and its model. */
    record Page(String view, Object page, HttpStatus status) {

        Page(String view, Object page) {
            this(view, page, HttpStatus.OK);
        }
    }

    @FunctionalInterface
    interface PageMaker {
        Page make(SignInSession session);
    }

    /**
     * A page for the signed-in caller. A team's page counts against its fair share of VPS.org as its API
     * requests do (ADR 0037): one off its rate, and a slot for calls in flight if it calls VPS.org.
     */
    private HttpResponse<?> signedIn(HttpRequest<?> request, String title, String current, boolean callsVpsOrg,
                                     PageMaker maker) {
        Optional<SignInSession> session = session(request);
        if (session.isEmpty()) {
            return notSignedIn(request);
        }
        authenticate(request, session.get());
        Page page;
        if (session.get().holder() instanceof SessionHolder.Team team) {
            try (AdmitTeamRequestUseCase.Admission admitted = admissions.admit(team.team(), callsVpsOrg)) {
                page = maker.make(session.get());
            }
        } else {
            page = maker.make(session.get());
        }
        Map<String, Object> model = new LinkedHashMap<>();
        model.put("chrome", chrome(title, current, session.get()));
        model.put("page", page.page());
        return HttpResponse.status(page.status()).body(new ModelAndView<>(page.view(), model));
    }

    private void authenticate(HttpRequest<?> request, SignInSession session) {
        Caller caller = switch (session.holder()) {
            case SessionHolder.Team team -> new Caller.Team(team.team(), session.actor());
            case SessionHolder.Auditor auditor -> new Caller.Auditor(new AuditReader.Auditor(auditor.name()), session.actor());
        };
        RequestAttributes.authenticated(request, caller);
        request.setAttribute(SIGNED_IN, Boolean.TRUE);
    }

    private static Chrome chrome(String title, String current, SignInSession session) {
        boolean auditor = session.holder() instanceof SessionHolder.Auditor;
        String role = switch (session.holder()) {
            case SessionHolder.Team team -> "team " + team.team().value();
            case SessionHolder.Auditor a -> "auditor";
        };
        List<NavLink> nav = new ArrayList<>();
        nav.add(new NavLink(PATH + "/", "Recoverability", current.equals("/")));
        nav.add(new NavLink(PATH + "/audit/events", "Audit timeline", current.equals("/audit/events")));
        nav.add(new NavLink(PATH + "/operations", "Operations in flight", current.equals("/operations")));
        nav.add(new NavLink(PATH + "/audit/summary", "Summary", current.equals("/audit/summary")));
        if (auditor) {
            nav.add(new NavLink(PATH + "/audit/verify", "Audit chain", current.equals("/audit/verify")));
        }
        return new Chrome(title, session.actor().subject(), role, session.csrfToken(), List.copyOf(nav));
    }

    private Optional<String> sessionId(HttpRequest<?> request) {
        return request.getCookies().findCookie(SESSION_COOKIE).map(Cookie::getValue);
    }

    /**
     * The live session, if its sign-in is still honoured; one whose token was removed or replaced, or a person's once
     * people's JWTs or their team are no longer configured, is ended. Ended only if it was opened before this instance
     * loaded its configuration (ADR 0041, amended in session 50): one opened later was opened by an instance restarted
     * with a token, team or JWT setting this one lacks until its own restart (a rolling restart under way), and ending
     * it would sign its user out of every instance; it is refused for this page and kept.
     */
    private Optional<SignInSession> session(HttpRequest<?> request) {
        Optional<String> id = sessionId(request);
        Optional<SignInSession> session = id.flatMap(sessions::find);
        if (session.isPresent() && !authentication.stillHonours(session.get())) {
            if (!configurationLoaded.before(session.get().createdAt())) {
                request.setAttribute(NOT_HONOURED_YET, Boolean.TRUE);
                LOG.info("console session of {} not honoured by this instance's configuration, loaded before the session "
                        + "was opened: refused here, kept", session.get().actor().subject());
                return Optional.empty();
            }
            sessions.close(id.get());
            LOG.info("console session of {} ended: its token, or its team, is no longer configured", session.get().actor().subject());
            return Optional.empty();
        }
        return session;
    }

    /**
     * A page without a session the instance honours: the sign-in page, or, for a session opened after this instance
     * loaded its configuration, "try again" (another instance, or this one once restarted, honours it). A 409, not a 503
     * (ADR 0041, amended in session 51): the instance is well, only older than the session, and a planned rolling
     * restart must neither count in the 5xx alerts nor mark the instance failed at a balancer ({@code max_fails=1}
     * counts a 503 in docs/deploy/nginx.conf), taking it out for every caller because of one person's page.
     */
    private MutableHttpResponse<?> notSignedIn(HttpRequest<?> request) {
        if (request.getAttribute(NOT_HONOURED_YET).isPresent()) {
            return problem(HttpStatus.CONFLICT, "Try again in a moment",
                    "This session was opened on an instance restarted with a newer configuration, which this one has not "
                            + "loaded yet: the service is being restarted. Reload the page in a moment, or sign in again.",
                    false).header(HttpHeaders.RETRY_AFTER, "5");
        }
        return toSignIn(request, request.getUri().getRawPath());
    }

    /**
     * To the sign-in page, which brings the browser back to {@code page} (with the request's query) once signed in; a
     * browser that held a session is told it ended (ADR 0041, amended in session 52: it was a bare sign-in page, the
     * page lost).
     */
    private MutableHttpResponse<?> toSignIn(HttpRequest<?> request, String page) {
        String query = request.getUri().getRawQuery();
        Optional<String> next = ConsoleReturnPath.safe(query == null || query.isEmpty() ? page : page + "?" + query)
                .filter(path -> !path.equals(PATH + "/"));
        List<String> parameters = new ArrayList<>();
        if (sessionId(request).filter(id -> !id.isEmpty()).isPresent()) {
            parameters.add("expired=1");
        }
        next.ifPresent(path -> parameters.add("next=" + java.net.URLEncoder.encode(path, StandardCharsets.UTF_8)));
        return seeOther("/sign-in" + (parameters.isEmpty() ? "" : "?" + String.join("&", parameters)));
    }

    private Cookie cookie(HttpRequest<?> request, String name, String value) {
        return Cookie.of(name, value).httpOnly(true).sameSite(SameSite.Strict).path(PATH)
                .secure(settings.secureCookie(ConsoleTransport.overHttps(request, forwarded), ConsoleTransport.addressedToLoopback(request)));
    }

    private static MutableHttpResponse<?> seeOther(String path) {
        return HttpResponse.seeOther(URI.create(PATH + path));
    }

    private HttpResponse<?> csrfRefused() {
        return problem(HttpStatus.FORBIDDEN, "The form was refused",
                "The form did not carry this session's CSRF token. Reload the page and try again.", true);
    }

    private static MutableHttpResponse<?> problem(HttpStatus status, String title, String detail, boolean signedIn) {
        return HttpResponse.status(status).body(new ModelAndView<>("console/problem",
                Map.of("page", new ConsoleViews.Problem(status.getCode(), title, detail, signedIn))));
    }

    /** Constant-time comparison of two secrets; a missing one never matches. */
    private static boolean sameSecret(@Nullable String expected, @Nullable String given) {
        if (expected == null || given == null || expected.isEmpty()) {
            return false;
        }
        return MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8), given.getBytes(StandardCharsets.UTF_8));
    }
}
