package org.vpsrecovery.adapters.http.provider;

import io.micronaut.core.type.Argument;
import io.micronaut.http.client.exceptions.ContentLengthExceededException;
import io.micronaut.http.client.exceptions.NoHostException;
import io.micronaut.http.client.exceptions.ReadTimeoutException;
import io.micronaut.http.client.exceptions.ResponseClosedException;
import io.micronaut.json.JsonMapper;
import io.micronaut.json.tree.JsonNode;
import java.io.IOException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.regex.Pattern;
import org.vpsrecovery.domain.port.ProviderFailure;
import org.vpsrecovery.domain.port.ProviderFailure.Kind;
import org.vpsrecovery.domain.port.ProviderFailure.ListGivenUp;
import org.vpsrecovery.domain.port.ProviderFailure.NoAnswer;
import org.vpsrecovery.domain.port.ProviderFailure.NotSent;

/**
 * Turns what went wrong on the wire into the port's typed failures. Two rules drive it: an
 * operator problem (bad credentials) is never blamed on the caller, and for a call that changes
 * something (create, restore) any doubt whether the provider acted is reported as
 * {@link Kind#OUTCOME_UNKNOWN}, so the application reconciles by listing instead of repeating it.
 * Messages carry the provider's own words (cleaned, shortened, token-free), never a header.
 */
final class ProviderFailures {

    /** How the provider says a 400 is about a limit; it documents no code for it. */
    private static final Pattern LIMIT_WORDS =
            Pattern.compile("\\blimit\\b|\\bmaximum\\b|\\bat most\\b|\\bquota\\b|\\btoo many\\b", Pattern.CASE_INSENSITIVE);
    /** What someone does to an account or a point that lasts until they end it, "temporarily" or not. */
    private static final String SOMEONES_DOING = "(suspended|locked|disabled|blocked|banned|restricted|frozen|deactivated)";
    /**
     * How a refusal says it is about a state that passes by itself: VPS.org documents a server "restoring" ("being
     * restored"), a point "in_progress" ("being created"), a restore refused "in its present state"; a busy or "try again
     * later" refusal says the same. Not "locked": a point locked at VPS.org stays so for as long as it likes, and a
     * restore's rotation must end 409 ROTATION_NOT_POSSIBLE then, not be retried for ever (ADR 0029, session 49). Such a refusal is "not now", never one for good (ADR 0010, amended in
     * session 50); words that say nothing of it (a name refused, a point protected) keep it for good. A "pending" counts
     * only as {@link #pendingByItself} reads it (session 55). "temporarily" passes by itself ("not available", "unable
     * to process", "paused", "unavailable temporarily") except when someone's doing is next to it, after or before:
     * an account "temporarily suspended", "blocked", "banned", "deactivated", "on hold", "suspended temporarily", a
     * point "temporarily locked", ends when VPS.org or someone there ends it (review of session 55). An "ongoing" operation passes by
     * itself ("locked by an ongoing restore").
     */
    private static final Pattern PASSING_STATE_WORDS = Pattern.compile("\\brestoring\\b|\\bbeing (restored|created|"
            + "made|deleted|processed)\\b|\\bin[ _-]progress\\b|\\bongoing\\b|\\b(present|current) state\\b|\\bbusy\\b|"
            + "\\btry again later\\b|\\bnot ready\\b"
            + "|(?<!\\b" + SOMEONES_DOING + "\\s)\\btemporarily\\b(?!\\s+(" + SOMEONES_DOING + "|on\\s+hold)\\b)",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern PENDING = Pattern.compile("\\bpending\\b", Pattern.CASE_INSENSITIVE);
    /** What a "pending" may wait on that does not pass by itself: someone, or money. */
    private static final String WAITED_ON = "(verifications?|confirmations?|approvals?|reviews?|payments?|billing|unpaid|"
            + "invoices?|kyc|identity)";
    /** Who or what a waited-on word may be qualified by, between "pending" and it ("pending admin approval"). */
    private static final String WAITED_BY = "(manual|account|email|admin|administrator|owner|customer|user|support|"
            + "further|additional|final|compliance|security|legal|fraud|internal|team|organi[sz]ation|staff|human)";
    /**
     * What a possessive may name that is being processed, not someone: "pending the snapshot's verification" waits on
     * the snapshot, which passes by itself (review of session 56).
     */
    private static final String A_RESOURCE = "(snapshot|backup|server|restore|restoration|vps|instance|volume|disk|"
            + "image|machine|node)";
    /**
     * A time after a waited-on word makes it a period, not what is pending: "pending the billing cycle", "pending
     * completion of the review window" wait on time (review of session 56).
     */
    private static final String A_TIME = "(period|cycle|window|date|run|time|term|interval|deadline|hour|day|week|month|"
            + "year|schedule|timeframe|phase)";
    /**
     * The words between "pending" and its noun (session 56): determiners, anyone's possessive but a resource's ("the
     * owner's", "the team owners'"), the qualifiers above, and "receipt of"/"completion of", at most four. Any other word
     * is the noun.
     */
    private static final String BEFORE_THE_NOUN = "((a|an|the|your|their|its|our|his|her|my|this|that)\\s+"
            + "|(?!" + A_RESOURCE + "s?['’])[\\w-]+(['’]s|s['’])\\s+|" + WAITED_BY
            + "\\s+|(receipt|completion)\\s+of\\s+){0,4}";
    /**
     * A "pending" whose qualifier IS what is pending, adjacent, and one that waits on someone: a verification, a
     * confirmation, an approval or review, a payment, billing, an invoice, KYC or identity ("Payment pending",
     * "Verification is still pending", "Account pending approval", "Restore pending a manual review", "Pending: account
     * verification", "Pending admin approval", "Restore pending your approval", "KYC check pending", "Verification of
     * your account is pending"). After "pending", its noun is read past {@link #BEFORE_THE_NOUN} ("pending the account
     * owner's verification", session 56). The words then say what the codes say ({@code payment_pending} is for good: ADR 0010,
     * sessions 54 and 55). A listed word merely near it, or a finished form, is not what is pending ("Account has a pending
     * operation", "Restore approved and pending": still "not now").
     */
    private static final Pattern PENDING_ON_SOMEONE = Pattern.compile("\\b" + WAITED_ON
            + "\\s+((is|are)\\s+)?(still\\s+)?pending\\b"
            + "|\\b(kyc|identity)\\s+(check|verification)\\s+((is|are)\\s+)?(still\\s+)?pending\\b"
            + "|\\b" + WAITED_ON + "\\s+of\\s+(your\\s+|the\\s+)?\\w+\\s+((is|are)\\s+)?(still\\s+)?pending\\b"
            // Not "until": "pending until your billing period ends" waits on a moment (review of session 56).
            + "|\\bpending(\\s*:\\s*|\\s+)((on|upon|for)\\s+)?" + BEFORE_THE_NOUN + WAITED_ON + "\\b"
            + "(?!\\s+" + A_TIME + "s?\\b)",
            Pattern.CASE_INSENSITIVE);
    /**
     * Django's and DRF's words for a value's own bounds ("Ensure this field has no more than 100 characters.", "at most
     * 5 digits"): a refusal of the value, not a limit reached.
     */
    private static final Pattern VALUE_CHECK =
            Pattern.compile("^\\s*ensure\\b|\\bcharacters?\\b|\\bdigits?\\b|\\bdecimal places\\b|\\belements?\\b"
                    // pydantic v2's length checks: "List should have at most 5 items after validation, not 6".
                    + "|\\bitems? after validation\\b", Pattern.CASE_INSENSITIVE);
    /**
     * pydantic v2's own sentence for a length or size checked ("String should have at most 100 characters", "List should
     * have at most 5 items after validation, not 6"), which a top-level {@code detail} may pass on as it is: a value
     * refused, though a top-level detail's words otherwise count whatever they name (session 55).
     */
    private static final Pattern PYDANTIC_LENGTH_SENTENCE = Pattern.compile("^\\s*(list|tuple|set|frozenset|dict|"
            + "dictionary|value|string|data|url|input|generator)\\s+should have at (most|least) \\d+ (items?|characters?|"
            + "bytes?)\\b", Pattern.CASE_INSENSITIVE);
    /**
     * pydantic v2's error types (its {@code type}, as FastAPI sends them: {@code {"detail": [{"type": "too_long", "loc":
     * [..], "msg": "List should have at most 5 items after validation, not 6", "input": [..], "ctx": {"max_length":
     * 5}}]}}) for a value's own bounds, lengths and form: a value refused, never a limit reached, whatever the words say
     * ("at most", "exceeded maximum size"). Read as such as a {@code code} too (ADR 0010, amended in session 55).
     */
    private static final java.util.Set<String> VALUE_CHECK_TYPES = java.util.Set.of("too_short", "too_long",
            "string_too_short", "string_too_long", "bytes_too_short", "bytes_too_long", "url_too_long",
            "string_pattern_mismatch", "greater_than", "greater_than_equal", "less_than", "less_than_equal",
            "multiple_of", "finite_number", "int_parsing_size", "decimal_max_digits", "decimal_max_places",
            "decimal_whole_digits");
    private static final int MAX_DETAIL = 300;

    /** What the adapter was doing; {@code changesState} for creates and restores (deletes: see VpsOrgClient#delete). */
    record Call(String description, boolean changesState) {
    }

    /** One HTTP answer, body unread; {@code date} is its {@code Date} header, VPS.org's clock. */
    record Reply(int status, byte[] body, Optional<String> retryAfter, Optional<String> date) {
        Reply(int status, byte[] body, Optional<String> retryAfter) {
            this(status, body, retryAfter, Optional.empty());
        }
    }

    /**
     * Marks a call not handed to Micronaut's client because that client was closed (this instance is stopping).
     * Micronaut refuses such a call before anything is sent ({@code DefaultHttpClient} reads {@code isRunning()} before
     * it asks for a connection), but with a plain {@code HttpClientException} and no cause, which only its message
     * tells from other failures of the client; {@link VpsOrgClient} reads the same state first and fails the call with
     * this, so that it is known unsent by its type (ADR 0010, amended in session 47).
     */
    static final class ClientClosed extends RuntimeException {
        ClientClosed() {
            super("the platform's VPS.org client is closed (this instance is stopping)", null, false, false);
        }
    }

    private final ApiToken token;
    private final JsonMapper json;
    private final Clock clock;

    ProviderFailures(ApiToken token, JsonMapper json, Clock clock) {
        this.token = token;
        this.json = json;
        this.clock = clock;
    }

    /** A non-2xx answer. */
    ProviderFailure fromStatus(Call call, Reply reply) {
        int status = reply.status();
        OptionalInt code = OptionalInt.of(status);
        // Parsed once: the detail, the limit's words and the general words are all read from this tree.
        JsonNode body = jsonObject(reply.body());
        List<Said> said = said(body);
        String detail = detail(body, said);
        String saying = detail.isEmpty() ? "" : ": " + detail;
        // Read once: the branches that keep no wait (401/403, 404/410, 5xx, below 400) leave it out.
        Optional<Duration> wait = reply.retryAfter().flatMap(header -> retryAfter(header, reply.date()));
        if (status == 400 || status == 409 || status == 422) {
            // A field's value check ("no more than 100 characters") is no limit; any other message may speak of one.
            Kind kind = status == 400 && LIMIT_WORDS.matcher(limitWording(said)).find()
                    ? Kind.LIMIT_REACHED : Kind.REJECTED;
            // A Retry-After on a refusal says "not now": kept, so the refusal is never taken for one for good.
            return refusal(kind, "VPS.org refused to " + call.description() + " (HTTP " + status + ")" + saying, code, wait,
                    said);
        }
        if (status == 401 || status == 403) {
            return new ProviderFailure(Kind.UNAUTHORIZED, "VPS.org did not accept the platform's API token (HTTP "
                    + status + ") while trying to " + call.description() + "; check vpsorg.api-token", code,
                    Optional.empty(), null);
        }
        if (status == 404 || status == 410) {
            return new ProviderFailure(Kind.NOT_FOUND, "VPS.org does not know what was asked to " + call.description()
                    + " (HTTP " + status + ")" + saying, code, Optional.empty(), null);
        }
        if (status == 429) {
            return new ProviderFailure(Kind.RATE_LIMITED, "VPS.org is rate limiting (HTTP 429) the call to "
                    + call.description() + wait.map(w -> "; retry after " + w.toSeconds() + " s").orElse(""),
                    code, wait, null);
        }
        if (status == 408 || status == 425) {
            // "Try later": the server says it did not process the request (408: it was not received whole in time;
            // 425: too early to process). For a change, nothing was done, as UNAVAILABLE means; never a refusal for good.
            return new ProviderFailure(Kind.UNAVAILABLE, "VPS.org asked to try later (HTTP " + status + ") the call to "
                    + call.description() + wait.map(w -> "; retry after " + w.toSeconds() + " s").orElse("") + saying,
                    code, wait, null);
        }
        if (status >= 500 && status <= 599) {
            // Any 5xx may come after the provider acted (a 500, a gateway's 502/504, a router's 503 on an upstream
            // reset); VPS.org documents no 5xx, nor a Retry-After, that says it did not act (ADR 0010, session 37).
            if (call.changesState()) {
                return outcomeUnknown(call, "VPS.org or a gateway before it answered HTTP " + status + saying, code, null);
            }
            return new ProviderFailure(Kind.UNAVAILABLE, "VPS.org failed to " + call.description() + " (HTTP "
                    + status + ")" + saying, code, Optional.empty(), null);
        }
        if (status >= 400) {
            return refusal(Kind.REJECTED, "VPS.org refused to " + call.description() + " (unexpected HTTP " + status + ")"
                    + saying, code, wait, said);
        }
        return new ProviderFailure(Kind.MALFORMED_RESPONSE, "VPS.org answered the call to " + call.description()
                + " with unexpected HTTP " + status, code, Optional.empty(), null);
    }

    /**
     * A refusal: "not now" when it carries a Retry-After (kept) or its general words speak of a passing state, whatever
     * its code (a 423 as a 409); otherwise one for good (ADR 0010, amended in session 50).
     */
    private ProviderFailure refusal(Kind kind, String message, OptionalInt code, Optional<Duration> wait, List<Said> said) {
        if (wait.isEmpty() && speaksOfAPassingState(said)) {
            return ProviderFailure.refusedInAPassingState(kind, message, code);
        }
        return new ProviderFailure(kind, message, code, wait, null);
    }

    /** A 2xx answer whose body could not be read. For a create or restore it did happen: reconcile. */
    ProviderFailure unreadable(Call call, int status, String why, Throwable cause) {
        if (call.changesState()) {
            return outcomeUnknown(call, "HTTP " + status + " came with an unreadable answer (" + why + ")",
                    OptionalInt.of(status), cause);
        }
        return new ProviderFailure(Kind.MALFORMED_RESPONSE, "VPS.org's answer to " + call.description()
                + " is unreadable (HTTP " + status + "): " + why, OptionalInt.of(status), Optional.empty(), cause);
    }

    /**
     * A list given up "try later" for the reason {@code why}: VPS.org answered it inconsistently at every read, or in
     * pages not each with a count, or its pages were not all read within its deadline. No answer of VPS.org's to report
     * and no final outcome to draw from it; the caller is told which, never that VPS.org could not be reached (ADR 0010,
     * amended in sessions 54 and 55).
     */
    static ProviderFailure listGivenUp(ListGivenUp why, String message, Throwable cause) {
        return ProviderFailure.listGivenUp(why, message, cause);
    }

    /** A delete whose earlier try may have reached the provider, then ended in {@code last}: nobody knows. */
    ProviderFailure deleteOutcomeUnknown(Call call, ProviderFailure last) {
        String why = "an earlier try may have reached VPS.org, then " + last.getMessage();
        if (last.noAnswer().isPresent()) {
            return ProviderFailure.withoutAnswer(Kind.OUTCOME_UNKNOWN, last.noAnswer().get(), unknownWhether(call, why),
                    last);
        }
        return outcomeUnknown(call, why, last.providerStatus(), last);
    }

    /**
     * No answer. Whether the request reached the provider decides between unavailable and outcome unknown; why no
     * answer came (a timeout, a dropped connection, the platform's own client closed) is told by the failure's type
     * and {@code clientClosed}, the client's own state when the call failed, never by its message (ADR 0010, amended
     * in session 46). A call the client was already closed for is {@link ClientClosed}: never sent (session 47).
     */
    ProviderFailure fromTransport(Call call, Throwable error, boolean clientClosed) {
        if (tooLarge(error)) {
            // An answer came, too large to read (its status unread): a create or restore may have happened.
            String why = "its answer was larger than vpsorg.max-response-size";
            return call.changesState() ? outcomeUnknown(call, why, OptionalInt.empty(), error)
                    : new ProviderFailure(Kind.MALFORMED_RESPONSE, "VPS.org's answer to " + call.description()
                    + " is unreadable: " + why, OptionalInt.empty(), Optional.empty(), error);
        }
        if (neverSent(error)) {
            if (error instanceof ClientClosed closed) {
                return ProviderFailure.neverSent(NotSent.CLIENT_CLOSED, "VPS.org was not called to " + call.description()
                        + ": " + closed.getMessage() + "; nothing was sent", Optional.empty(), error);
            }
            // The reason names VPS.org's address: the operator's text only.
            return ProviderFailure.neverSent(NotSent.NO_CONNECTION, "VPS.org could not be reached to " + call.description()
                    + " (" + shortReason(error) + "); nothing was sent", Optional.empty(), error);
        }
        Optional<NoAnswer> why = noAnswer(error, clientClosed);
        String what = switch (why.orElse(null)) {
            // Micronaut reports its read timeout and its whole-exchange timeout (read timeout + 1 s) as one and the
            // same ReadTimeoutException: only "in time" can be said.
            case TIMED_OUT -> "VPS.org did not answer within vpsorg.read-timeout";
            case CONNECTION_DROPPED -> "the connection to VPS.org was dropped before its answer came ("
                    + shortReason(error) + ")";
            case CLIENT_CLOSED -> "the platform closed its VPS.org client (this instance is stopping) before the "
                    + "answer came";
            // Only the application says so, of a run it started (ProviderFailure.platformFailedAfterTheStart).
            case PLATFORM_FAILED_AFTER_THE_START -> throw new IllegalStateException("a transport failure is not "
                    + "the platform's failure after a run started");
            case null -> "no answer came (" + shortReason(error) + ")";
        };
        if (call.changesState()) {
            String message = unknownWhether(call, what);
            return why.map(no -> ProviderFailure.withoutAnswer(Kind.OUTCOME_UNKNOWN, no, message, error))
                    .orElseGet(() -> new ProviderFailure(Kind.OUTCOME_UNKNOWN, message, OptionalInt.empty(),
                            Optional.empty(), error));
        }
        Kind kind = why.filter(no -> no == NoAnswer.TIMED_OUT).isPresent() ? Kind.TIMEOUT : Kind.UNAVAILABLE;
        String message = what + " while trying to " + call.description();
        return why.map(no -> ProviderFailure.withoutAnswer(kind, no, message, error))
                .orElseGet(() -> new ProviderFailure(kind, message, OptionalInt.empty(), Optional.empty(), error));
    }

    /**
     * Why a request that left got no answer: a timeout's type (Micronaut's or Netty's); the platform's own client closed
     * ({@code clientClosed}: Micronaut then ends the call as it ends one dropped by the peer; a call started after the
     * close is {@link ClientClosed}, never sent, and does not come here); or a dropped connection's
     * type: Micronaut's {@link ResponseClosedException} (the channel went inactive before or during the answer),
     * Netty's {@code PrematureChannelClosureException}, or any {@link IOException} on the connection (a reset, a
     * broken pipe, a {@link java.nio.channels.ClosedChannelException}; the JDK and Netty's native transport tell a
     * reset from a broken pipe by message only, and both are a dropped connection). Anything else: empty.
     */
    private static Optional<NoAnswer> noAnswer(Throwable error, boolean clientClosed) {
        if (timedOut(error)) {
            return Optional.of(NoAnswer.TIMED_OUT);
        }
        if (clientClosed) {
            return Optional.of(NoAnswer.CLIENT_CLOSED);
        }
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof ResponseClosedException || t instanceof IOException
                    || t.getClass().getName().equals("io.netty.handler.codec.PrematureChannelClosureException")) {
                return Optional.of(NoAnswer.CONNECTION_DROPPED);
            }
        }
        return Optional.empty();
    }

    private static ProviderFailure outcomeUnknown(Call call, String why, OptionalInt status, Throwable cause) {
        return new ProviderFailure(Kind.OUTCOME_UNKNOWN, unknownWhether(call, why), status, Optional.empty(), cause);
    }

    private static String unknownWhether(Call call, String why) {
        return "Unknown whether VPS.org did " + call.description() + ": " + why + "; list to reconcile before trying again";
    }

    /** An answer longer than the client's maximum content length ({@code vpsorg.max-response-size}). */
    private static boolean tooLarge(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof ContentLengthExceededException
                    || t.getClass().getName().equals("io.netty.handler.codec.TooLongFrameException")) {
                return true;
            }
        }
        return false;
    }

    /**
     * Refused, connect timeout, no host, no free pooled connection, out of the request's time, or the platform's client
     * closed before the call: the request never left.
     */
    private static boolean neverSent(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            String name = t.getClass().getName();
            String message = String.valueOf(t.getMessage()).toLowerCase(Locale.ROOT);
            if (t instanceof ConnectException || t instanceof UnknownHostException || t instanceof NoHostException
                    || t instanceof ProviderResilience.NoFreeConnection || t instanceof ProviderResilience.OutOfTime
                    || t instanceof ClientClosed
                    || name.equals("io.netty.channel.ConnectTimeoutException")
                    || message.startsWith("connect error")) {
                return true;
            }
        }
        return false;
    }

    private static boolean timedOut(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof ReadTimeoutException || t.getClass().getName().equals("io.netty.handler.timeout.ReadTimeoutException")) {
                return true;
            }
        }
        return false;
    }

    private String shortReason(Throwable error) {
        Throwable root = error;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        return clean(message);
    }

    /**
     * Keys whose words are the refusal's own, not a field's: DRF's {@code detail} and {@code non_field_errors}, and the
     * shapes other APIs nest them in ({@code {"error": {"message": ..}}}, {@code {"errors": [{"message": ..}]}}; session
     * 54). Their words are said without the key.
     */
    private static final java.util.Set<String> GENERAL_KEYS =
            java.util.Set.of("detail", "non_field_errors", "message", "error", "errors", "msg");
    /** What is read inside a nested error object, in this order; any other key of it is ignored. */
    private static final List<String> NESTED_WORD_KEYS = List.of("message", "detail", "msg", "error", "errors", "description");
    /** How deep nested error objects and lists are read, and how many messages at most: a body never costs more. */
    private static final int MAX_NESTING = 4;
    private static final int MAX_MESSAGES = 64;

    /**
     * The codes that speak of a passing state, whole ({@code -} read as {@code _}, any case): busy, in progress, pending,
     * restoring, being created, restored, deleted, processed or made, not ready, try later, temporarily unavailable,
     * alone or of a server, a point or an operation ({@code server_busy}, {@code snapshot_being_deleted}). A code is no
     * sentence: one word of it ({@code not_busy}, {@code payment_pending}: nothing that passes by itself) said nothing of
     * a passing state (ADR 0010, session 54); {@code not_ready} is the one negated form that says "not now", as the
     * words do. Not "locked", as in {@link #PASSING_STATE_WORDS}.
     */
    private static final Pattern PASSING_STATE_CODE = Pattern.compile("((server|resource|snapshot|backup|restore|"
            + "operation|action|task|job)_)?(is_|already_)?(busy|in_progress|pending|restoring|creating|"
            + "being_(created|restored|deleted|processed|made)|not_ready|try_later|try_again_later|retry_later|"
            + "temporarily_unavailable)");

    /**
     * One message of an error body: the top-level key it came under, its words as said (a code after them), the
     * message's own words, the code that came with it ("" if none), whether it is the refusal's own ({@code general}:
     * not a field's), and whether it is a top-level string {@code detail}, DRF's sentence for the whole refusal.
     */
    private record Said(String key, String text, String words, String code, boolean general, boolean topLevelDetail,
                        boolean typedValueCheck) {

        Said(String key, String text, String words, String code, boolean general, boolean topLevelDetail) {
            this(key, text, words, code, general, topLevelDetail, false);
        }

        /** This message as a value check's, its error object's pydantic {@code type} being one (session 55). */
        Said asTypedValueCheck() {
            return new Said(key, text, words, code, general, topLevelDetail, true);
        }

        /** Its words and its code, the code's underscores as spaces ({@code snapshot_limit_reached}: a limit). */
        String classified() {
            return code.isEmpty() ? words : (words + " " + spacedCode()).strip();
        }

        String spacedCode() {
            return code.replaceAll("[_-]", " ");
        }

        /** Whether its code names a passing state (no code: false). */
        boolean passingStateCode() {
            return PASSING_STATE_CODE.matcher(code.replace('-', '_').toLowerCase(Locale.ROOT)).matches();
        }

        /** A value's own bounds ("Ensure ...", "characters", {@code too_many_characters}): no limit reached. */
        boolean valueCheck() {
            return typedValueCheck || valueCheckCode(code) || VALUE_CHECK.matcher(text).find()
                    || VALUE_CHECK.matcher(classified()).find();
        }
    }

    /**
     * The messages of an error body (null: none), read once: each top-level field's string, list of strings, or nested
     * error objects (their message, detail, msg, error, errors, description and code; anything else ignored), at most
     * {@link #MAX_NESTING} deep and {@link #MAX_MESSAGES} in all, and the body's own {@code code} read as a nested one's
     * (ADR 0010, amended in session 54). Before, a nested body's words were lost: {@code {"error": {"message":
     * "Snapshot limit reached"}}} was refused with none.
     */
    private static List<Said> said(JsonNode body) {
        List<Said> said = new ArrayList<>();
        if (body == null) {
            return said;
        }
        JsonNode code = body.get("code");
        boolean scalarCode = code != null && (code.isString() || code.isNumber());
        int codesMessage = -1;
        for (Map.Entry<String, JsonNode> field : body.entries()) {
            String key = field.getKey();
            JsonNode value = field.getValue();
            if (scalarCode && key.equals("code")) {
                continue;
            }
            if (value.isArray()) {
                for (JsonNode item : value.values()) {
                    if (said.size() >= MAX_MESSAGES) {
                        break;
                    }
                    int before = said.size();
                    nested(key, item, 1, said);
                    if (said.size() == before && !item.isObject()) {
                        said.add(new Said(key, "invalid", "", "", GENERAL_KEYS.contains(key), false));
                    }
                }
            } else if (value.isString()) {
                if (said.size() < MAX_MESSAGES) {
                    said.add(new Said(key, value.getStringValue(), value.getStringValue(), "", GENERAL_KEYS.contains(key),
                            key.equals("detail")));
                    // The body's code follows its own message (not a field's), as a nested error's does.
                    if (GENERAL_KEYS.contains(key) && NESTED_WORD_KEYS.contains(key) && (codesMessage < 0 || NESTED_WORD_KEYS.indexOf(key)
                            < NESTED_WORD_KEYS.indexOf(said.get(codesMessage).key()))) {
                        codesMessage = said.size() - 1;
                    }
                }
            } else {
                nested(key, value, 0, said);
            }
            if (said.size() >= MAX_MESSAGES) {
                break;
            }
        }
        if (scalarCode) {
            String text = code.isString() ? code.getStringValue() : code.coerceStringValue();
            if (codesMessage >= 0) {
                Said message = said.get(codesMessage);
                said.set(codesMessage, withCode(message, text));
            } else if (said.size() < MAX_MESSAGES) {
                said.add(new Said("code", text, "", text, true, false));
            }
        }
        return said;
    }

    private static Said withCode(Said message, String code) {
        // "Snapshot limit reached (snapshot_limit)": the code follows the message it came with.
        return new Said(message.key(), message.text() + " (" + code + ")", message.words(), code, message.general(),
                message.topLevelDetail(), message.typedValueCheck());
    }

    /** Whether {@code code} is one of pydantic v2's value checks ({@link #VALUE_CHECK_TYPES}), any case, {@code -} as {@code _}. */
    private static boolean valueCheckCode(String code) {
        return VALUE_CHECK_TYPES.contains(code.strip().replace('-', '_').toLowerCase(Locale.ROOT));
    }

    /**
     * Whether {@code node} is a pydantic error object ({@code type} beside {@code loc} or {@code msg}) whose type is a
     * value check: its words are the value refused (session 55).
     */
    private static boolean pydanticValueCheck(JsonNode node) {
        JsonNode type = node.get("type");
        JsonNode loc = node.get("loc");
        JsonNode msg = node.get("msg");
        return type != null && type.isString() && ((loc != null && loc.isArray()) || (msg != null && msg.isString()))
                && valueCheckCode(type.getStringValue());
    }

    private static void nested(String key, JsonNode node, int depth, List<Said> said) {
        if (node == null || said.size() >= MAX_MESSAGES || depth > MAX_NESTING) {
            return;
        }
        boolean general = GENERAL_KEYS.contains(key);
        if (node.isString()) {
            said.add(new Said(key, node.getStringValue(), node.getStringValue(), "", general, false));
        } else if (node.isArray()) {
            for (JsonNode item : node.values()) {
                nested(key, item, depth + 1, said);
                if (said.size() >= MAX_MESSAGES) {
                    return;
                }
            }
        } else if (node.isObject()) {
            int before = said.size();
            for (String wordKey : NESTED_WORD_KEYS) {
                nested(key, node.get(wordKey), depth + 1, said);
            }
            JsonNode code = node.get("code");
            if (code != null && (code.isString() || code.isNumber()) && said.size() < MAX_MESSAGES) {
                String text = code.isString() ? code.getStringValue() : code.coerceStringValue();
                if (said.size() > before) {
                    said.add(withCode(said.removeLast(), text));
                } else {
                    said.add(new Said(key, text, "", text, general, false));
                }
            }
            if (pydanticValueCheck(node)) {
                for (int i = before; i < said.size(); i++) {
                    said.set(i, said.get(i).asTypedValueCheck());
                }
            }
        }
    }

    /**
     * The provider's explanation: a string {@code detail} alone, else every message, a field's after its name
     * ({@code name: ...}), the general ones' without their key; nothing for a body that is not a JSON object (null).
     */
    private String detail(JsonNode node, List<Said> said) {
        if (node == null) {
            return "";
        }
        JsonNode detail = node.get("detail");
        if (detail != null && detail.isString()) {
            return clean(detail.getStringValue());
        }
        Map<String, List<String>> byKey = new java.util.LinkedHashMap<>();
        for (Said one : said) {
            byKey.computeIfAbsent(one.key(), k -> new ArrayList<>()).add(one.text());
        }
        List<String> parts = new ArrayList<>();
        byKey.forEach((key, messages) -> parts.add((GENERAL_KEYS.contains(key) ? "" : key + ": ")
                + String.join(" ", messages)));
        return clean(String.join("; ", parts));
    }

    /**
     * The messages that may speak of a limit: a top-level string {@code detail}'s own words (a code beside it only when
     * no value check's), and every other one ({@code non_field_errors}, a nested error's, a DRF field error such as
     * {@code {"server_id": ["... maximum of 5 ..."]}}) but a value check's, a code's read with its underscores spaced too
     * (ADR 0010, sessions 50 and 54: a
     * FastAPI/pydantic {@code {"detail": [{"msg": "... at most 100 characters"}]}} is the value refused, no limit; session
     * 55: so is a pydantic v2 error object of a value check's {@code type}, and its length sentence as the detail).
     */
    private static String limitWording(List<Said> said) {
        List<String> parts = new ArrayList<>();
        for (Said one : said) {
            if (one.topLevelDetail()) {
                // Only the detail's own words skip the value check: a code beside it ("too_many_characters") does not;
                // nor does pydantic's own sentence passed on as the detail.
                if (!PYDANTIC_LENGTH_SENTENCE.matcher(one.words()).find()) {
                    parts.add(one.words());
                }
                if (!VALUE_CHECK.matcher(one.spacedCode()).find() && !valueCheckCode(one.code())) {
                    parts.add(one.spacedCode());
                }
            } else if (!one.valueCheck()) {
                parts.add(one.classified());
            }
        }
        return String.join(" ", parts);
    }

    /**
     * Whether the refusal's own words speak of a passing state: those of {@code detail}, {@code non_field_errors} and the
     * nested error's ({@code message}, {@code error}, {@code errors}, {@code msg}), never a field's own error; or a code
     * of theirs or the body's that names one ({@link #PASSING_STATE_CODE}; ADR 0010, sessions 50 and 54).
     */
    private static boolean speaksOfAPassingState(List<Said> said) {
        List<String> words = new ArrayList<>();
        for (Said one : said) {
            if (one.general()) {
                if (one.passingStateCode() || pendingByItself(one.words())) {
                    return true;
                }
                words.add(one.words());
            }
        }
        return PASSING_STATE_WORDS.matcher(String.join(" ", words)).find();
    }

    /**
     * Whether a "pending" of {@code words} waits on nothing but time: one that is not {@link #PENDING_ON_SOMEONE}'s
     * ("Payment pending", "Pending approval": for good; "Account has a pending operation": not now).
     */
    private static boolean pendingByItself(String words) {
        return PENDING.matcher(PENDING_ON_SOMEONE.matcher(words).replaceAll(" ")).find();
    }

    /** The body's JSON object, or null when it is none (empty, not JSON, another JSON value). */
    private JsonNode jsonObject(byte[] body) {
        if (body == null || body.length == 0) {
            return null;
        }
        try {
            JsonNode node = json.readValue(body, Argument.of(JsonNode.class));
            return node != null && node.isObject() ? node : null;
        } catch (IOException | RuntimeException notJson) {
            return null;
        }
    }

    /** One line, printable, short, and never the token. */
    private String clean(String text) {
        String redacted = token.redactFrom(text);
        String oneLine = redacted.codePoints()
                .map(c -> Character.isISOControl(c) ? ' ' : c)
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append)
                .toString().strip();
        return oneLine.length() <= MAX_DETAIL ? oneLine : oneLine.substring(0, MAX_DETAIL) + "…";
    }

    /**
     * {@code Retry-After}: delay-seconds or an HTTP date, at most {@link #LONGEST_RETRY_AFTER} (a longer one, of any
     * number of digits, is read as that: VPS.org asked for a long wait, not for none). A negative number, or anything
     * else, is no {@code Retry-After}: the backoff's delay applies (ADR 0010, amended in session 51). An HTTP date is
     * measured from the answer's {@code Date} when it has a readable one (both are VPS.org's clock, so a clock of ours
     * that runs ahead or behind neither shortens nor stretches the wait), else from our clock (session 53).
     */
    Optional<Duration> retryAfter(String header, Optional<String> date) {
        String value = header.strip();
        if (value.matches("\\d+")) {
            String digits = value.replaceFirst("^0+(?=\\d)", "");
            return Optional.of(digits.length() > 9 ? LONGEST_RETRY_AFTER
                    : atMostTheLongest(Duration.ofSeconds(Long.parseLong(digits))));
        }
        try {
            Instant retryAt = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
            Duration until = Duration.between(date.flatMap(ProviderFailures::httpDate).orElseGet(clock::instant), retryAt);
            return Optional.of(until.isNegative() ? Duration.ZERO : atMostTheLongest(until));
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    /** {@link #retryAfter(String, Optional)} measured from our clock: an answer without a {@code Date}. */
    Optional<Duration> retryAfter(String header) {
        return retryAfter(header, Optional.empty());
    }

    private static Optional<Instant> httpDate(String header) {
        try {
            return Optional.of(ZonedDateTime.parse(header.strip(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant());
        } catch (DateTimeParseException unreadable) {
            return Optional.empty();
        }
    }

    /** The longest {@code Retry-After} read: the client holds every call back for it (ADR 0010, amended in session 51). */
    static final Duration LONGEST_RETRY_AFTER = Duration.ofHours(1);

    private static Duration atMostTheLongest(Duration asked) {
        return asked.compareTo(LONGEST_RETRY_AFTER) > 0 ? LONGEST_RETRY_AFTER : asked;
    }
}
