package org.vpsrecovery.adapters.http.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.vpsrecovery.domain.backup.BackupType;
import org.vpsrecovery.domain.port.ConsistentListBound;
import org.vpsrecovery.domain.port.ProviderFailure;
import org.vpsrecovery.domain.port.ProviderFailure.Kind;
import org.vpsrecovery.domain.server.ServerId;
import org.vpsrecovery.simulator.Fault;
import org.vpsrecovery.simulator.RecordedRequest;

/** {@code next} links, which the documentation does not promise but the adapter follows, within a page cap. */
class PaginationContractTest {

    /** The jobs' bound, each read its own deadline: what every consistent list here reads unless it says a request's. */
    private static final ConsistentListBound JOB = ConsistentListBound.eachReadItsOwnDeadline();

    private final List<LoopbackProvider> stubs = new ArrayList<>();

    @AfterEach
    void stopStubs() {
        stubs.forEach(LoopbackProvider::close);
    }

    @Test
    void followsNextLinksAcrossPagesKeepingTheFilters() {
        try (SimulatedVpsOrg vpsOrg = SimulatedVpsOrg.start(options -> options.withPageSize(1), settings -> settings)) {
            assertThat(vpsOrg.client.listBackups(Optional.of(new ServerId(12345)), Optional.of(BackupType.Kind.AUTOMATIC)))
                    .extracting(b -> b.id().value()).containsExactly(501L, 495L);
            assertThat(vpsOrg.client.listSnapshots(Optional.empty())).extracting(s -> s.id().value())
                    .containsExactly(801L, 798L);

            assertThat(vpsOrg.received("GET", "/api/v1/backups/")).extracting(RecordedRequest::query).containsExactly(
                    "server_id=12345&backup_type=automatic", "server_id=12345&backup_type=automatic&page=2");
            assertThat(vpsOrg.received("GET", "/api/v1/snapshots/")).extracting(RecordedRequest::query)
                    .containsExactly("", "page=2");
            assertThat(vpsOrg.received()).allSatisfy(r -> assertThat(r.header("Authorization")).hasValue("Bearer demo-token"));
        }
    }

    /** Over the simulator's pages, a list that did not change is confirmed by one more read: two reads, the same ids. */
    @Test
    void aConsistentListOverTheSimulatorsPagesIsReadTwiceWhenNothingChanged() {
        try (SimulatedVpsOrg vpsOrg = SimulatedVpsOrg.start(options -> options.withPageSize(1), settings -> settings)) {
            assertThat(vpsOrg.client.listBackupsConsistently(Optional.of(new ServerId(12345)), Optional.empty(), JOB))
                    .extracting(b -> b.id().value()).containsExactlyInAnyOrder(501L, 499L, 495L);
            assertThat(vpsOrg.received("GET", "/api/v1/backups/")).hasSize(6);
        }
    }

    @Test
    void aPageThatFailsOnceIsRetriedOnItsOwn() {
        try (SimulatedVpsOrg vpsOrg = SimulatedVpsOrg.start(options -> options.withPageSize(2), settings -> settings)) {
            vpsOrg.simulator.faults().add(Fault.serverError(503).on("GET", "/api/v1/backups/").times(1));

            assertThat(vpsOrg.client.listBackups(Optional.empty(), Optional.empty())).hasSize(3);
            assertThat(vpsOrg.received("GET", "/api/v1/backups/")).extracting(RecordedRequest::query)
                    .containsExactly("", "", "page=2");
        }
    }

    @Test
    void aNextLinkToAnotherOriginIsNotFollowedSoTheTokenStaysHome() {
        try (SimulatedVpsOrg vpsOrg = SimulatedVpsOrg.start(
                options -> options.withPageSize(1).withAdvertisedUrl(java.net.URI.create("https://elsewhere.example")),
                settings -> settings)) {
            ProviderFailure failure = catchThrowableOfType(ProviderFailure.class,
                    () -> vpsOrg.client.listSnapshots(Optional.empty()));

            assertThat(failure.kind()).isEqualTo(Kind.MALFORMED_RESPONSE);
            assertThat(failure.getMessage()).contains("leaves the provider's origin");
            assertThat(vpsOrg.received()).hasSize(1);
        }
    }

    @Test
    void neverReadsMoreThanTheConfiguredNumberOfPages() {
        try (SimulatedVpsOrg vpsOrg = SimulatedVpsOrg.start(options -> options.withPageSize(1),
                settings -> settings.withMaxPages(2))) {
            ProviderFailure failure = catchThrowableOfType(ProviderFailure.class,
                    () -> vpsOrg.client.listBackups(Optional.empty(), Optional.empty()));

            assertThat(failure.kind()).isEqualTo(Kind.MALFORMED_RESPONSE);
            assertThat(failure.getMessage()).contains("vpsorg.max-pages=2");
            assertThat(vpsOrg.received("GET", "/api/v1/backups/")).hasSize(2);
        }
    }

    /**
     * A hostile or broken VPS.org: every page brings 500 new points and a next link to a page never read. The list
     * fails unreadable once it holds more than vpsorg.max-list-items, long before vpsorg.max-pages, instead of keeping
     * every page's items (100 pages of them) in the instance's heap.
     */
    @Test
    void aListThatNeverEndsFailsOnceItHoldsMoreThanTheMostItemsAListMayHold() throws Exception {
        java.util.concurrent.atomic.AtomicInteger pagesServed = new java.util.concurrent.atomic.AtomicInteger();
        URI base = started(LoopbackProvider.answering((exchange, itsBase) -> {
            int number = pagesServed.incrementAndGet();
            String[] items = new String[500];
            for (int i = 0; i < items.length; i++) {
                items[i] = snapshot(number * 1_000L + i);
            }
            LoopbackProvider.json(exchange, 200, pageWithoutCount("?page=" + (number + 1), items));
        }));
        try (VpsOrgClient client = VpsOrgClient.connect(SimulatedVpsOrg.testSettings(base, "demo-token")
                .withResponseAndListBounds(1024 * 1024, 1_000))) {
            ProviderFailure failure = catchThrowableOfType(ProviderFailure.class, () -> client.listSnapshots(Optional.empty()));

            assertThat(failure.kind()).isEqualTo(Kind.MALFORMED_RESPONSE);
            assertThat(failure.getMessage()).contains("vpsorg.max-list-items=1000");
            assertThat(pagesServed).hasValue(3);
        }
    }

    /** An answer larger than vpsorg.max-response-size is not read into memory: the read fails unreadable. */
    @Test
    void anAnswerLargerThanTheLargestReadFailsUnreadable() throws Exception {
        String[] items = new String[1_000];
        for (int i = 0; i < items.length; i++) {
            items[i] = snapshot(i + 1);
        }
        String large = page(items.length, null, items);
        assertThat(large.length()).isGreaterThan(128 * 1024);
        URI base = startStub(Map.of("/api/v1/snapshots/", Map.of("", large)));
        try (VpsOrgClient client = VpsOrgClient.connect(SimulatedVpsOrg.testSettings(base, "demo-token")
                .withResponseAndListBounds(64 * 1024, 20_000))) {
            ProviderFailure failure = catchThrowableOfType(ProviderFailure.class, () -> client.listSnapshots(Optional.empty()));

            assertThat(failure.kind()).isEqualTo(Kind.MALFORMED_RESPONSE);
            assertThat(failure.getMessage()).contains("vpsorg.max-response-size");
        }
    }

    /**
     * VPS.org lists a whole account in one answer (docs/vpsorg-api.md: no paging documented): at the default bounds, a
     * list of as many points as vpsorg.max-list-items lets a list hold is read, not refused as too large.
     */
    @Test
    void aWholeAccountListOfTheMostPointsAListMayHoldIsReadInOneAnswerAtTheDefaultBounds() throws Exception {
        int most = VpsOrgSettings.defaults(URI.create("http://127.0.0.1/"), new ApiToken("t0ken")).maxListItems();
        String[] items = new String[most];
        for (int i = 0; i < items.length; i++) {
            items[i] = backup(i + 1);
        }
        String whole = page(items.length, null, items);
        assertThat(whole.length()).as("larger than the first default, 2 MiB").isGreaterThan(2 * 1024 * 1024);
        URI base = startStub(Map.of("/api/v1/backups/", Map.of("", whole)));
        try (VpsOrgClient client = VpsOrgClient.connect(SimulatedVpsOrg.testSettings(base, "demo-token"))) {
            assertThat(client.listBackups(Optional.empty(), Optional.empty())).hasSize(most);
        }
    }

    /** Page-number paging and an item added between page reads: page 2 repeats page 1's last item. */
    @Test
    void anItemRepeatedOnTheNextPageIsListedOnce() throws Exception {
        URI base = startStub(Map.of(
                "/api/v1/snapshots/", Map.of("", page(3, "{BASE}api/v1/snapshots/?page=2", snapshot(803), snapshot(802)),
                        "page=2", page(3, null, snapshot(802), snapshot(801))),
                "/api/v1/backups/", Map.of("", page(3, "{BASE}api/v1/backups/?page=2", backup(503), backup(502)),
                        "page=2", page(3, null, backup(502), backup(501)))));
        try (VpsOrgClient client = VpsOrgClient.connect(SimulatedVpsOrg.testSettings(base, "demo-token"));
             ExecutorService blocking = Executors.newCachedThreadPool()) {
            assertThat(client.listSnapshots(Optional.empty())).extracting(s -> s.id().value())
                    .containsExactly(803L, 802L, 801L);
            assertThat(client.listSnapshotsWhenAnswered(Optional.empty(), blocking).get(30, TimeUnit.SECONDS))
                    .extracting(s -> s.id().value()).containsExactly(803L, 802L, 801L);
            assertThat(client.listBackups(Optional.empty(), Optional.empty())).extracting(b -> b.id().value())
                    .containsExactly(503L, 502L, 501L);
        }
    }

    /** A relative {@code next} is resolved against the URL of the page it came from (RFC 3986), not the base URL. */
    @Test
    void aRelativeNextLinkIsReadAgainstItsOwnPage() throws Exception {
        URI base = startStub(Map.of("/api/v1/snapshots/", Map.of("", page(2, "?page=2", snapshot(802)),
                "page=2", page(2, null, snapshot(801)))));
        try (VpsOrgClient client = VpsOrgClient.connect(SimulatedVpsOrg.testSettings(base, "demo-token"));
             ExecutorService blocking = Executors.newCachedThreadPool()) {
            assertThat(client.listSnapshots(Optional.empty())).extracting(s -> s.id().value()).containsExactly(802L, 801L);
            assertThat(client.listSnapshotsWhenAnswered(Optional.empty(), blocking).get(30, TimeUnit.SECONDS))
                    .extracting(s -> s.id().value()).containsExactly(802L, 801L);
        }
    }

    /**
     * Page size 2 over [504, 503, 502, 501]: page 1 is read, 503 is deleted, page 2 is now [501] and 502 was never
     * on a page read. The count changed (4, then 3): the list is read again from page 1.
     */
    @Test
    void aListThatShrankBetweenPageReadsIsReadAgainFromItsFirstPage() throws Exception {
        StubAnswers snapshots = new StubAnswers()
                .then("/api/v1/snapshots/", ok(page(4, "{BASE}api/v1/snapshots/?page=2", snapshot(504), snapshot(503))))
                .then("/api/v1/snapshots/?page=2", ok(page(3, null, snapshot(501))))
                .then("/api/v1/snapshots/", ok(page(3, "{BASE}api/v1/snapshots/?page=2", snapshot(504), snapshot(502))))
                .then("/api/v1/snapshots/?page=2", ok(page(3, null, snapshot(501))));
        try (VpsOrgClient client = VpsOrgClient.connect(SimulatedVpsOrg.testSettings(startStub(snapshots), "demo-token"))) {
            assertThat(client.listSnapshots(Optional.empty())).extracting(s -> s.id().value())
                    .containsExactly(504L, 502L, 501L);
            assertThat(snapshots.received()).containsExactly("/api/v1/snapshots/", "/api/v1/snapshots/?page=2",
                    "/api/v1/snapshots/", "/api/v1/snapshots/?page=2");
        }

        // The event-loop list reads page 1 on its own: the second read starts from page 1 all the same.
        StubAnswers again = snapshots.replayed();
        try (VpsOrgClient client = VpsOrgClient.connect(SimulatedVpsOrg.testSettings(startStub(again), "demo-token"));
             ExecutorService blocking = Executors.newCachedThreadPool()) {
            assertThat(client.listSnapshotsWhenAnswered(Optional.empty(), blocking).get(30, TimeUnit.SECONDS))
                    .extracting(s -> s.id().value()).containsExactly(504L, 502L, 501L);
            assertThat(again.received()).hasSize(4);
        }
    }

    /** Only the first page says its count (4), and the pages joined hold 3: as short a list, read again. */
    @Test
    void aJoinedListShorterThanItsCountIsReadAgain() throws Exception {
        StubAnswers backups = new StubAnswers()
                .then("/api/v1/backups/", ok(page(4, "{BASE}api/v1/backups/?page=2", backup(504), backup(503))))
                .then("/api/v1/backups/?page=2", ok(pageWithoutCount(null, backup(501))))
                .then("/api/v1/backups/", ok(page(3, "{BASE}api/v1/backups/?page=2", backup(504), backup(502))))
                .then("/api/v1/backups/?page=2", ok(pageWithoutCount(null, backup(501))));
        try (VpsOrgClient client = VpsOrgClient.connect(SimulatedVpsOrg.testSettings(startStub(backups), "demo-token"))) {
            assertThat(client.listBackups(Optional.empty(), Optional.empty())).extracting(b -> b.id().value())
                    .containsExactly(504L, 502L, 501L);
            assertThat(backups.received()).hasSize(4);
        }
    }

    /** A list that changes between every two page reads fails as "try later" after the bounded re-reads. */
    @Test
    void aListThatNeverSettlesFailsAsUnavailableAfterTheBoundedRereads() throws Exception {
        StubAnswers snapshots = new StubAnswers()
                .then("/api/v1/snapshots/", ok(page(4, "{BASE}api/v1/snapshots/?page=2", snapshot(504), snapshot(503))))
                .then("/api/v1/snapshots/?page=2", ok(page(3, null, snapshot(501))));
        try (VpsOrgClient client = VpsOrgClient.connect(SimulatedVpsOrg.testSettings(startStub(snapshots), "demo-token"))) {
            ProviderFailure failure = catchThrowableOfType(ProviderFailure.class,
                    () -> client.listSnapshots(Optional.empty()));

            assertThat(failure.kind()).isEqualTo(Kind.UNAVAILABLE);
            assertThat(failure.getMessage()).contains("kept changing", "count went from 4 to 3 at page 2");
            assertThat(snapshots.received()).hasSize(2 * (1 + VpsOrgClient.REREADS_OF_A_CHANGING_LIST));
        }
    }

    /**
     * Twenty pages, each answered well within the read timeout but slowly: the list stops at its deadline instead of
     * outlasting the idempotency lease and the call slots sized on one read, and is not retried (ADR 0010).
     */
    @Test
    void aListOfManySlowPagesStopsAtItsDeadline() throws Exception {
        int pages = 20;
        StubAnswers slow = new StubAnswers();
        for (int n = 1; n <= pages; n++) {
            slow.then(n == 1 ? "/api/v1/snapshots/" : "/api/v1/snapshots/?page=" + n,
                    ok(page(pages, n == pages ? null : "{BASE}api/v1/snapshots/?page=" + (n + 1), snapshot(1000 - n))));
        }
        try (VpsOrgClient client = slowClient(slow, Duration.ofMillis(250), Duration.ofSeconds(1))) {
            ProviderFailure failure = catchThrowableOfType(ProviderFailure.class,
                    () -> client.listSnapshots(Optional.empty()));

            assertThat(failure.kind()).isEqualTo(Kind.UNAVAILABLE);
            assertThat(failure.getMessage()).contains("vpsorg.list-deadline=1000 ms", "stopped before page");
            assertThat(slow.received()).hasSizeLessThan(pages).doesNotHaveDuplicates();
        }
    }

    /**
     * The event-loop list's retry after its first page failed is the same list: its deadline runs on from the first
     * attempt, not afresh. A retry delay longer than the deadline leaves no time for a second attempt (ADR 0010,
     * amended in session 38, review).
     */
    @Test
    void theEventLoopListsRetryKeepsTheDeadlineOfItsFirstAttempt() throws Exception {
        StubAnswers snapshots = new StubAnswers()
                .then("/api/v1/snapshots/", new StubAnswer(503, """
                        {"detail": "A server error occurred. Please try again later."}"""))
                .then("/api/v1/snapshots/", ok(page(1, null, snapshot(701))));
        VpsOrgSettings settings = SimulatedVpsOrg.testSettings(startStub(snapshots), "demo-token")
                .withRetry(new VpsOrgSettings.Retry(3, Duration.ofMillis(300), Duration.ofMillis(600), 0.25,
                        Duration.ofSeconds(2)))
                .withListDeadline(Duration.ofMillis(50));
        try (VpsOrgClient client = VpsOrgClient.connect(settings);
             ExecutorService blocking = Executors.newCachedThreadPool()) {
            java.util.concurrent.ExecutionException failed = catchThrowableOfType(
                    java.util.concurrent.ExecutionException.class,
                    () -> client.listSnapshotsWhenAnswered(Optional.empty(), blocking).get(30, TimeUnit.SECONDS));

            assertThat(failed.getCause()).isInstanceOf(ProviderFailure.class)
                    .hasMessageContaining("vpsorg.list-deadline=50 ms");
            assertThat(snapshots.received()).as("the first attempt only").hasSize(1);
        }
    }

    /** {@code count} is not promised on every page: pages without it are joined as read, once. */
    @Test
    void pagesWithoutACountAreJoinedAsRead() throws Exception {
        StubAnswers snapshots = new StubAnswers()
                .then("/api/v1/snapshots/", ok(pageWithoutCount("{BASE}api/v1/snapshots/?page=2", snapshot(504))))
                .then("/api/v1/snapshots/?page=2", ok(pageWithoutCount(null, snapshot(501))));
        try (VpsOrgClient client = VpsOrgClient.connect(SimulatedVpsOrg.testSettings(startStub(snapshots), "demo-token"))) {
            assertThat(client.listSnapshots(Optional.empty())).extracting(s -> s.id().value()).containsExactly(504L, 501L);
            assertThat(snapshots.received()).hasSize(2);
        }
    }

    /**
     * Page size 1 over [802, 801]: page 1 is read, 801 is deleted, and page 2 no longer exists; DRF (and the simulator's
     * ListPage) answers it 404 "Invalid page.". The list changed: it is read again from page 1, not failed NOT_FOUND.
     */
    @Test
    void aNextPageGoneSinceItsLinkWasReadIsTheListChangingNotNotFound() throws Exception {
        StubAnswers snapshots = new StubAnswers()
                .then("/api/v1/snapshots/", ok(page(2, "{BASE}api/v1/snapshots/?page=2", snapshot(802))))
                .then("/api/v1/snapshots/?page=2", new StubAnswer(404, """
                        {"detail": "Invalid page."}"""))
                .then("/api/v1/snapshots/", ok(page(1, null, snapshot(802))));
        try (VpsOrgClient client = VpsOrgClient.connect(SimulatedVpsOrg.testSettings(startStub(snapshots), "demo-token"))) {
            assertThat(client.listSnapshots(Optional.empty())).extracting(s -> s.id().value()).containsExactly(802L);
            assertThat(snapshots.received()).containsExactly("/api/v1/snapshots/", "/api/v1/snapshots/?page=2",
                    "/api/v1/snapshots/");
        }

        StubAnswers again = snapshots.replayed();
        try (VpsOrgClient client = VpsOrgClient.connect(SimulatedVpsOrg.testSettings(startStub(again), "demo-token"));
             ExecutorService blocking = Executors.newCachedThreadPool()) {
            assertThat(client.listSnapshotsWhenAnswered(Optional.empty(), blocking).get(30, TimeUnit.SECONDS))
                    .extracting(s -> s.id().value()).containsExactly(802L);
            assertThat(again.received()).hasSize(3);
        }
    }

    /** A first page's 404 is VPS.org not knowing the list: NOT_FOUND as before, asked once. */
    @Test
    void aFirstPageNotFoundStaysNotFound() throws Exception {
        StubAnswers nothing = new StubAnswers();
        try (VpsOrgClient client = VpsOrgClient.connect(SimulatedVpsOrg.testSettings(startStub(nothing), "demo-token"))) {
            ProviderFailure failure = catchThrowableOfType(ProviderFailure.class,
                    () -> client.listBackups(Optional.empty(), Optional.empty()));

            assertThat(failure.kind()).isEqualTo(Kind.NOT_FOUND);
            assertThat(nothing.received()).containsExactly("/api/v1/backups/");
        }
    }

    /**
     * The brief of session 38: ascending [501, 502, 503, 504], page size 2. Page 1 is read ([501, 502]); 501 is deleted
     * and 505 added; page 2 is [504, 505]. The count stays 4 and the pages joined hold 4: nothing shows the change, and
     * 503, there all along, is left out. The consistent list reads the list again: that read lacks 501, which the first
     * held, so the first may have left something out and the later read is confirmed in turn by a third, which lists
     * all of it. 503 is listed; a decision on its absence never sees it missing.
     */
    @Test
    void aConsistentListReadsAgainUntilALaterReadListsAllOfTheOneBefore() throws Exception {
        StubAnswers snapshots = new StubAnswers()
                .then("/api/v1/snapshots/?server_id=12345", ok(page(4, "{BASE}api/v1/snapshots/?server_id=12345&page=2",
                        snapshot(501), snapshot(502))))
                .then("/api/v1/snapshots/?server_id=12345&page=2", ok(page(4, null, snapshot(504), snapshot(505))))
                .then("/api/v1/snapshots/?server_id=12345", ok(page(4, "{BASE}api/v1/snapshots/?server_id=12345&page=2",
                        snapshot(502), snapshot(503))))
                .then("/api/v1/snapshots/?server_id=12345&page=2", ok(page(4, null, snapshot(504), snapshot(505))));
        try (VpsOrgClient client = VpsOrgClient.connect(SimulatedVpsOrg.testSettings(startStub(snapshots), "demo-token"))) {
            assertThat(client.listSnapshots(Optional.of(new ServerId(12345)))).as("the ordinary list, as read")
                    .extracting(s -> s.id().value()).containsExactly(501L, 502L, 504L, 505L);
        }

        StubAnswers again = snapshots.replayed();
        try (VpsOrgClient client = VpsOrgClient.connect(SimulatedVpsOrg.testSettings(startStub(again), "demo-token"))) {
            assertThat(client.listSnapshotsConsistently(Optional.of(new ServerId(12345)), JOB))
                    .extracting(s -> s.id().value()).containsExactly(502L, 503L, 504L, 505L);
            assertThat(again.received()).as("three reads of two pages").hasSize(6);
        }
    }

    /** A read in several pages that a later read lists whole is taken: the later one, two reads in all. */
    @Test
    void aConsistentListTakesTheLaterReadOnceItListsAllOfTheFirst() throws Exception {
        StubAnswers backups = new StubAnswers()
                .then("/api/v1/backups/", ok(page(3, "{BASE}api/v1/backups/?page=2", backup(504), backup(503))))
                .then("/api/v1/backups/?page=2", ok(page(3, null, backup(501))))
                .then("/api/v1/backups/", ok(page(4, "{BASE}api/v1/backups/?page=2", backup(505), backup(504))))
                .then("/api/v1/backups/?page=2", ok(page(4, null, backup(503), backup(501))));
        try (VpsOrgClient client = VpsOrgClient.connect(SimulatedVpsOrg.testSettings(startStub(backups), "demo-token"))) {
            assertThat(client.listBackupsConsistently(Optional.empty(), Optional.empty(), JOB)).extracting(b -> b.id().value())
                    .containsExactly(505L, 504L, 503L, 501L);
            assertThat(backups.received()).hasSize(4);
        }
    }

    /**
     * Two pages answered after 0.6 s each: one read fits the 1.5 s deadline, two do not. Each read of the consistent
     * list has its own deadline, so it is confirmed (ADR 0010, amended in session 38, review).
     */
    @Test
    void aConsistentListWhoseReadsTogetherOutlastTheDeadlineIsConfirmed() throws Exception {
        StubAnswers snapshots = threeSnapshotsOnTwoPages();
        try (VpsOrgClient client = slowClient(snapshots, Duration.ofMillis(600), Duration.ofMillis(1500))) {
            // A first call, so the client's start-up costs are not the deadline's.
            catchThrowableOfType(ProviderFailure.class, () -> client.listBackups(Optional.empty(), Optional.empty()));

            assertThat(client.listSnapshotsConsistently(Optional.empty(), JOB)).extracting(s -> s.id().value())
                    .containsExactly(803L, 802L, 801L);
            assertThat(snapshots.received()).filteredOn(path -> path.startsWith("/api/v1/snapshots/")).hasSize(4);
        }
    }

    /**
     * The same two slow pages under a request's bound: its reads share one deadline, so the read that would confirm the
     * first stops at it, "try later", rather than let a request missing its point run up to four deadlines past its
     * idempotency lease and call slot (ADR 0010, amended in session 39).
     */
    @Test
    void aRequestsConsistentListStopsOnceItsReadsTogetherReachOneDeadline() throws Exception {
        StubAnswers snapshots = threeSnapshotsOnTwoPages();
        try (VpsOrgClient client = slowClient(snapshots, Duration.ofMillis(600), Duration.ofMillis(1500))) {
            catchThrowableOfType(ProviderFailure.class, () -> client.listBackups(Optional.empty(), Optional.empty()));

            ProviderFailure failure = catchThrowableOfType(ProviderFailure.class,
                    () -> client.listSnapshotsConsistently(Optional.empty(), ConsistentListBound.oneDeadlineForARequest()));

            assertThat(failure.kind()).isEqualTo(Kind.UNAVAILABLE);
            assertThat(failure.getMessage()).contains("vpsorg.list-deadline=1500 ms", "stopped before page",
                    "one deadline for the request's consistent lists");
            assertThat(snapshots.received()).filteredOn(path -> path.startsWith("/api/v1/snapshots/"))
                    .as("not the second read's last page").hasSizeLessThan(4);
        }
    }

    /**
     * One request's consistent lists share its deadline too: each answer takes 0.6 s and the deadline is 1 s, so its
     * third list, asked at least 1.2 s after its first, fails at once with nothing sent, while a job's list, its own
     * deadline, is still read (ADR 0010, amended in session 39).
     */
    @Test
    void aRequestsLaterConsistentListHasOnlyWhatItsFirstLeftOfTheDeadline() throws Exception {
        StubAnswers answers = new StubAnswers()
                .then("/api/v1/snapshots/", ok(page(1, null, snapshot(801))))
                .then("/api/v1/backups/", ok(page(1, null, backup(501))));
        try (VpsOrgClient client = slowClient(answers, Duration.ofMillis(600), Duration.ofSeconds(1))) {
            ConsistentListBound request = ConsistentListBound.oneDeadlineForARequest();
            assertThat(client.listSnapshotsConsistently(Optional.empty(), request)).hasSize(1);
            assertThat(client.listBackupsConsistently(Optional.empty(), Optional.empty(), request)).hasSize(1);
            int sent = answers.received().size();

            ProviderFailure failure = catchThrowableOfType(ProviderFailure.class,
                    () -> client.listSnapshotsConsistently(Optional.empty(), request));

            assertThat(failure.kind()).isEqualTo(Kind.UNAVAILABLE);
            assertThat(failure.getMessage()).contains("vpsorg.list-deadline=1000 ms", "stopped before page 1");
            assertThat(answers.received()).as("nothing sent").hasSize(sent);
            assertThat(client.listSnapshotsConsistently(Optional.empty(), JOB)).as("a job's list").hasSize(1);
        }
    }

    /**
     * The recoverability report reads two whole lists of several pages, each read twice to be confirmed: under one
     * deadline the backups' reads start where the snapshots' left off and stop at it. Each under its own list's bound,
     * both come back (ADR 0010, amended in session 39, review): a 1 s deadline, answers of 0.15 s, two pages a read.
     */
    @Test
    void twoWholeListsOfSeveralPagesEachUnderItsOwnListsBoundBothComeBack() throws Exception {
        StubAnswers answers = new StubAnswers()
                .then("/api/v1/snapshots/", ok(page(3, "{BASE}api/v1/snapshots/?page=2", snapshot(803), snapshot(802))))
                .then("/api/v1/snapshots/?page=2", ok(page(3, null, snapshot(801))))
                .then("/api/v1/backups/", ok(page(3, "{BASE}api/v1/backups/?page=2", backup(503), backup(502))))
                .then("/api/v1/backups/?page=2", ok(page(3, null, backup(501))));
        try (VpsOrgClient client = slowClient(answers, Duration.ofMillis(150), Duration.ofSeconds(1))) {
            assertThat(client.listSnapshotsConsistently(Optional.empty(), ConsistentListBound.oneDeadlineForOneList()))
                    .hasSize(3);
            assertThat(client.listBackupsConsistently(Optional.empty(), Optional.empty(),
                    ConsistentListBound.oneDeadlineForOneList())).hasSize(3);
        }
    }

    /**
     * One answer, no next link, saying {@code count} 3 and carrying two snapshots: as short as pages joined short of
     * their count, and failed the same way on every path, the consistent and the event-loop list too: read again from
     * its first page, then "try later" (ADR 0010, amended in session 41). Before, it was taken as the whole list.
     */
    @Test
    void anAnswerOfOnePageShorterThanItsCountIsReadAgainThenFailsAsUnavailable() throws Exception {
        StubAnswers snapshots = new StubAnswers()
                .then("/api/v1/snapshots/", ok(page(3, null, snapshot(802), snapshot(801))));
        StubAnswers backups = new StubAnswers()
                .then("/api/v1/backups/", ok(page(3, null, backup(502), backup(501))));
        int reads = 1 + VpsOrgClient.REREADS_OF_A_CHANGING_LIST;
        try (VpsOrgClient client = VpsOrgClient.connect(SimulatedVpsOrg.testSettings(startStub(snapshots), "demo-token"));
             VpsOrgClient backupsClient = VpsOrgClient.connect(SimulatedVpsOrg.testSettings(startStub(backups), "demo-token"));
             ExecutorService blocking = Executors.newCachedThreadPool()) {
            ProviderFailure ordinary = catchThrowableOfType(ProviderFailure.class,
                    () -> client.listSnapshots(Optional.empty()));
            assertThat(ordinary).as("the ordinary list").isNotNull();
            assertThat(ordinary.kind()).isEqualTo(Kind.UNAVAILABLE);
            assertThat(ordinary.getMessage()).contains("kept changing", "2 listed in one page without a next link, count 3");
            assertThat(snapshots.received()).hasSize(reads);

            ProviderFailure consistent = catchThrowableOfType(ProviderFailure.class,
                    () -> client.listSnapshotsConsistently(Optional.empty(), JOB));
            assertThat(consistent).as("the consistent list").isNotNull();
            assertThat(consistent.kind()).isEqualTo(Kind.UNAVAILABLE);
            assertThat(snapshots.received()).hasSize(2 * reads);

            java.util.concurrent.ExecutionException onTheLoop = catchThrowableOfType(
                    java.util.concurrent.ExecutionException.class,
                    () -> client.listSnapshotsWhenAnswered(Optional.empty(), blocking).get(30, TimeUnit.SECONDS));
            assertThat(onTheLoop).as("the event-loop list").isNotNull();
            assertThat(onTheLoop.getCause()).isInstanceOf(ProviderFailure.class)
                    .hasMessageContaining("2 listed in one page without a next link, count 3");
            assertThat(((ProviderFailure) onTheLoop.getCause()).kind()).isEqualTo(Kind.UNAVAILABLE);
            assertThat(snapshots.received()).hasSize(3 * reads);

            ProviderFailure backupsConsistent = catchThrowableOfType(ProviderFailure.class,
                    () -> backupsClient.listBackupsConsistently(Optional.empty(), Optional.empty(), JOB));
            assertThat(backupsConsistent).as("the backups' consistent list").isNotNull();
            assertThat(backupsConsistent.kind()).isEqualTo(Kind.UNAVAILABLE);
            assertThat(backups.received()).hasSize(reads);
        }
    }

    /**
     * The same answer short once and whole when read again (VPS.org counted and listed a moment apart): the read
     * again is the list, on the blocking and the event-loop path alike.
     */
    @Test
    void anAnswerOfOnePageShortOfItsCountOnceIsTakenWhenReadAgainWhole() throws Exception {
        StubAnswers snapshots = new StubAnswers()
                .then("/api/v1/snapshots/", ok(page(3, null, snapshot(803), snapshot(801))))
                .then("/api/v1/snapshots/", ok(page(3, null, snapshot(803), snapshot(802), snapshot(801))));
        try (VpsOrgClient client = VpsOrgClient.connect(SimulatedVpsOrg.testSettings(startStub(snapshots), "demo-token"))) {
            assertThat(client.listSnapshots(Optional.empty())).extracting(s -> s.id().value())
                    .containsExactly(803L, 802L, 801L);
            assertThat(snapshots.received()).hasSize(2);
        }

        StubAnswers again = snapshots.replayed();
        try (VpsOrgClient client = VpsOrgClient.connect(SimulatedVpsOrg.testSettings(startStub(again), "demo-token"));
             ExecutorService blocking = Executors.newCachedThreadPool()) {
            assertThat(client.listSnapshotsWhenAnswered(Optional.empty(), blocking).get(30, TimeUnit.SECONDS))
                    .extracting(s -> s.id().value()).containsExactly(803L, 802L, 801L);
            assertThat(again.received()).hasSize(2);
        }
    }

    /**
     * VPS.org listing 802 twice in one answer, counted as sent (2) or as points (1): every path lists it once, as the
     * pages of a longer list are joined, so the facade's list and its {@code count} hold it once (ADR 0010, amended in
     * session 41). Before, the event-loop list gave it twice.
     */
    @Test
    void anIdListedTwiceInOneAnswerIsListedOnceOnEveryPath() throws Exception {
        for (long count : new long[] {2, 1}) {
            StubAnswers snapshots = new StubAnswers()
                    .then("/api/v1/snapshots/", ok(page(count, null, snapshot(802), snapshot(802))));
            try (VpsOrgClient client = VpsOrgClient.connect(SimulatedVpsOrg.testSettings(startStub(snapshots), "demo-token"));
                 ExecutorService blocking = Executors.newCachedThreadPool()) {
                assertThat(client.listSnapshotsWhenAnswered(Optional.empty(), blocking).get(30, TimeUnit.SECONDS))
                        .as("the event-loop list, count " + count).extracting(s -> s.id().value()).containsExactly(802L);
                assertThat(client.listSnapshots(Optional.empty())).as("the ordinary list, count " + count)
                        .extracting(s -> s.id().value()).containsExactly(802L);
                assertThat(client.listSnapshotsConsistently(Optional.empty(), JOB)).as("the consistent list, count " + count)
                        .extracting(s -> s.id().value()).containsExactly(802L);
                assertThat(snapshots.received()).as("one read each").hasSize(3);
            }
        }
    }

    /** One page is one answer: consistent in itself, read once. */
    @Test
    void aConsistentListOfOnePageIsOneRead() throws Exception {
        StubAnswers snapshots = new StubAnswers()
                .then("/api/v1/snapshots/", ok(page(2, null, snapshot(802), snapshot(801))));
        try (VpsOrgClient client = VpsOrgClient.connect(SimulatedVpsOrg.testSettings(startStub(snapshots), "demo-token"))) {
            assertThat(client.listSnapshotsConsistently(Optional.empty(), JOB)).extracting(s -> s.id().value())
                    .containsExactly(802L, 801L);
            assertThat(snapshots.received()).hasSize(1);
        }
    }

    /** Pages without a count cannot show a read whole: what it leaves out is not taken as gone ("try later"). */
    @Test
    void aConsistentListOfPagesWithoutACountIsUnavailable() throws Exception {
        StubAnswers snapshots = new StubAnswers()
                .then("/api/v1/snapshots/", ok(pageWithoutCount("{BASE}api/v1/snapshots/?page=2", snapshot(504))))
                .then("/api/v1/snapshots/?page=2", ok(pageWithoutCount(null, snapshot(501))));
        try (VpsOrgClient client = VpsOrgClient.connect(SimulatedVpsOrg.testSettings(startStub(snapshots), "demo-token"))) {
            ProviderFailure failure = catchThrowableOfType(ProviderFailure.class,
                    () -> client.listSnapshotsConsistently(Optional.empty(), JOB));

            assertThat(failure.kind()).isEqualTo(Kind.UNAVAILABLE);
            assertThat(failure.getMessage()).contains("without a count", "not established as gone");
        }
    }

    /** Each read lacking an item of the one before, the consistent list fails as "try later" after the bounded reads. */
    @Test
    void aConsistentListNeverConfirmedFailsAsUnavailable() throws Exception {
        StubAnswers snapshots = new StubAnswers();
        for (long id = 600; id < 610; id++) {
            snapshots.then("/api/v1/snapshots/", ok(page(3, "{BASE}api/v1/snapshots/?page=2", snapshot(id), snapshot(id + 100))))
                    .then("/api/v1/snapshots/?page=2", ok(page(3, null, snapshot(999))));
        }
        try (VpsOrgClient client = VpsOrgClient.connect(SimulatedVpsOrg.testSettings(startStub(snapshots), "demo-token"))) {
            ProviderFailure failure = catchThrowableOfType(ProviderFailure.class,
                    () -> client.listSnapshotsConsistently(Optional.empty(), JOB));

            assertThat(failure.kind()).isEqualTo(Kind.UNAVAILABLE);
            assertThat(failure.getMessage()).contains("kept changing", "not established as gone");
            assertThat(snapshots.received()).hasSize(2 * (1 + VpsOrgClient.REREADS_OF_A_CHANGING_LIST));
        }
    }

    private record StubAnswer(int status, String body) {
    }

    private static StubAnswer ok(String body) {
        return new StubAnswer(200, body);
    }

    /**
     * What a stub answers to each path and query, in turn ({@code then}: the next answer there; the last one is given
     * again once they run out), and the paths and queries it received.
     */
    private static final class StubAnswers {
        private final Map<String, List<StubAnswer>> answers = new HashMap<>();
        private final Map<String, Integer> given = new HashMap<>();
        private final List<String> received = new ArrayList<>();

        StubAnswers then(String pathAndQuery, StubAnswer answer) {
            answers.computeIfAbsent(pathAndQuery, key -> new ArrayList<>()).add(answer);
            return this;
        }

        synchronized StubAnswer next(String pathAndQuery) {
            received.add(pathAndQuery);
            List<StubAnswer> inTurn = answers.get(pathAndQuery);
            if (inTurn == null) {
                return new StubAnswer(404, """
                        {"detail": "Not found."}""");
            }
            int index = given.merge(pathAndQuery, 1, Integer::sum) - 1;
            return inTurn.get(Math.min(index, inTurn.size() - 1));
        }

        synchronized List<String> received() {
            return List.copyOf(received);
        }

        /** The same answers from the first on, nothing received. */
        StubAnswers replayed() {
            StubAnswers again = new StubAnswers();
            answers.forEach((key, inTurn) -> again.answers.put(key, List.copyOf(inTurn)));
            return again;
        }
    }

    /** A provider on loopback answering each path and query in turn ({@code {BASE}}: its own base URL). */
    private URI startStub(StubAnswers answers) throws IOException {
        return startStub(answers, Duration.ZERO);
    }

    /** The same, each answer given {@code after} its request arrived. */
    private URI startStub(StubAnswers answers, Duration after) throws IOException {
        return started(LoopbackProvider.answering((exchange, base) -> {
            String query = exchange.getRequestURI().getRawQuery();
            StubAnswer answer = answers.next(exchange.getRequestURI().getRawPath() + (query == null ? "" : "?" + query));
            try {
                Thread.sleep(after.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            LoopbackProvider.json(exchange, answer.status(), answer.body().replace("{BASE}", base.toString()));
        }));
    }

    /** A provider on loopback answering each path and query with its page ({@code {BASE}}: its own base URL); else 404. */
    private URI startStub(Map<String, Map<String, String>> pages) throws IOException {
        return started(LoopbackProvider.answering((exchange, base) -> {
            String query = exchange.getRequestURI().getRawQuery();
            String body = pages.getOrDefault(exchange.getRequestURI().getRawPath(), Map.of())
                    .get(query == null ? "" : query);
            LoopbackProvider.json(exchange, body == null ? 404 : 200, body == null ? """
                    {"detail": "Not found."}""" : body.replace("{BASE}", base.toString()));
        }));
    }

    /** {@code stub}'s base URL, the stub stopped after the test. */
    private URI started(LoopbackProvider stub) {
        stubs.add(stub);
        return stub.base();
    }

    /** A client of a stub giving each answer {@code after} its request arrived, its lists bound by {@code listDeadline}. */
    private VpsOrgClient slowClient(StubAnswers answers, Duration after, Duration listDeadline) throws IOException {
        return VpsOrgClient.connect(SimulatedVpsOrg.testSettings(startStub(answers, after), "demo-token")
                .withListDeadline(listDeadline));
    }

    /** Snapshots 803 and 802 on a first page, 801 on a second. */
    private static StubAnswers threeSnapshotsOnTwoPages() {
        return new StubAnswers()
                .then("/api/v1/snapshots/", ok(page(3, "{BASE}api/v1/snapshots/?page=2", snapshot(803), snapshot(802))))
                .then("/api/v1/snapshots/?page=2", ok(page(3, null, snapshot(801))));
    }

    /** A page of a list {@code count} long in all. */
    private static String page(long count, String next, String... results) {
        return """
                {"count": %d, "next": %s, "previous": null, "results": [%s]}"""
                .formatted(count, next == null ? "null" : '"' + next + '"', String.join(", ", results));
    }

    private static String pageWithoutCount(String next, String... results) {
        return """
                {"next": %s, "previous": null, "results": [%s]}"""
                .formatted(next == null ? "null" : '"' + next + '"', String.join(", ", results));
    }

    private static String snapshot(long id) {
        return """
                {"id": %d, "server": {"id": 12345, "name": "web-server-01"}, "name": "s%d", "status": "completed",
                 "size_mb": 1, "created_at": "2025-01-15T18:30:00Z"}""".formatted(id, id);
    }

    private static String backup(long id) {
        return """
                {"id": %d, "server": {"id": 12345, "name": "web-server-01"}, "backup_type": "manual", "status": "completed",
                 "size_mb": 1, "created_at": "2025-01-15T18:30:00Z", "expires_at": null}""".formatted(id);
    }
}
