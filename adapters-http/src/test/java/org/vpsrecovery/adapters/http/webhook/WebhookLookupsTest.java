package org.vpsrecovery.adapters.http.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import java.net.InetAddress;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.vpsrecovery.domain.common.TeamId;
import org.vpsrecovery.domain.port.WebhookTransport;
import org.vpsrecovery.domain.webhook.TargetAddressRules;
import org.vpsrecovery.domain.webhook.WebhookTarget;

/**
 * Names that hang ({@link HangingNamesResolver}: {@code hang<n>.example} never answers until released) hold only the
 * lookup threads of their own kind, and a lookup that waited behind them and never began is no failure of its
 * receiver. No timing is asserted: the test waits until the hanging lookups have begun, and the lookups' own time limit
 * (half a second) ends the rest.
 */
class WebhookLookupsTest {

    private static final TeamId RED = new TeamId("red");
    private static final TeamId BLUE = new TeamId("blue");

    private final ApacheWebhookTransport transport = new ApacheWebhookTransport(Duration.ofMillis(500),
            Duration.ofSeconds(5), new TargetAddressRules(true, false));
    private final ExecutorService callers = Executors.newCachedThreadPool();

    @AfterEach
    void release() {
        HangingNamesResolver.releaseAll();
        callers.shutdownNow();
        transport.close();
    }

    /** Four lookups of hanging names, each from its own caller and for its own team, until all four have begun to hang. */
    private void fourHanging(String prefix, BiConsumer<TeamId, String> lookUp) throws InterruptedException {
        for (int i = 1; i <= 4; i++) {
            String host = "hang" + prefix + i + ".example";
            TeamId team = new TeamId("team" + i);
            callers.submit(() -> lookUp.accept(team, host));
        }
        HangingNamesResolver.HANGING.acquire(4);
    }

    /** A lookup of {@code host} for {@code team} that has begun to hang, and has run out of its caller's time. */
    private List<InetAddress> hangingPastItsTime(TeamId team, String host) throws Exception {
        Future<List<InetAddress>> lookup = callers.submit(() -> transport.resolve(team, host));
        HangingNamesResolver.HANGING.acquire();
        return lookup.get();
    }

    @Test
    void subscriptionsBeingMadeWithHangingNamesHoldNoDeliverysLookup() throws InterruptedException {
        WebhookTransport checks = transport.subscriptionChecks();
        fourHanging("1", checks::resolve);

        assertThat(transport.resolve(BLUE, "localhost")).as("a delivery's lookup still answers").isNotEmpty();
        assertThatThrownBy(() -> checks.resolve(BLUE, "localhost"))
                .as("a create behind the hanging ones is told so, not refused")
                .isInstanceOf(WebhookTransport.LookupNotStarted.class);
    }

    @Test
    void aDeliveryLookupThatWaitedBehindHangingOnesAndNeverBeganIsNotTheReceiversFailure() throws InterruptedException {
        fourHanging("2", transport::resolve);

        assertThatThrownBy(() -> transport.resolve(BLUE, "localhost")).isInstanceOf(WebhookTransport.LookupNotStarted.class);
        assertThatThrownBy(() -> transport.post(BLUE, new WebhookTarget(URI.create("http://localhost:9/hook")), Map.of(), "{}"))
                .as("the connection's own lookup: nothing sent").isInstanceOf(WebhookTransport.LookupNotStarted.class);
        assertThat(transport.subscriptionChecks().resolve(BLUE, "localhost")).as("the creates' lookups are apart").isNotEmpty();
    }

    @Test
    void aLookupThatBeganAndHangsIsTheReceiversOwn() {
        assertThat(transport.resolve(BLUE, "hang3.example")).as("its own name does not answer: does not resolve").isEmpty();
    }

    /**
     * A lookup past its time still runs on its thread (the resolver cannot be interrupted). It stays counted against
     * its team, which has one delivery lookup at once (its share of the default slots): the team's next lookups are
     * not begun, and take no thread, until it ends; another team's lookup still answers. Before session 39 each of the
     * team's names took a thread of its own until the resolver gave up: four held all of them, and every team's
     * lookups waited behind them and never began.
     */
    @Test
    void aTeamsNamesThatHangHoldOneDeliveryLookupThreadAndOtherTeamsStillLookUp() throws Exception {
        List<InetAddress> first = hangingPastItsTime(RED, "hang61.example");
        List<Throwable> next = new ArrayList<>();
        for (int i = 2; i <= 4; i++) {
            String host = "hang6" + i + ".example";
            next.add(catchThrowable(() -> transport.resolve(RED, host)));
        }
        Throwable connection = catchThrowable(() -> transport.post(RED,
                new WebhookTarget(URI.create("http://hang65.example:9/hook")), Map.of(), "{}"));

        assertThat(transport.resolve(BLUE, "localhost")).as("another team's lookup answers").isNotEmpty();
        assertThat(first).as("the name that hangs is its receiver's own: does not resolve").isEmpty();
        assertThat(next).as("the team's later lookups").allSatisfy(refused -> assertThat(refused)
                .isInstanceOfSatisfying(WebhookTransport.TeamLookupsStillRunning.class,
                        e -> assertThat(e.team()).isEqualTo(RED)));
        assertThat(connection).as("the connection's own lookup: nothing sent")
                .isInstanceOf(WebhookTransport.TeamLookupsStillRunning.class);
        assertThat(transport.deliveryLookupsPastTheirTime()).isEqualTo(1);

        HangingNamesResolver.releaseAll();
        // Once the resolver answers, the team looks up again.
        await("the team's lookup once its name answered").atMost(Duration.ofSeconds(30))
                .until(() -> catchThrowable(() -> transport.resolve(RED, "localhost")) == null);
    }

    /**
     * One name that hangs, however many teams' subscriptions name it, holds one delivery lookup thread: the later
     * lookups of that name share the one under way (and find no answer in their time, as it does). Before session 39
     * each took a thread of its own, and four held all of them.
     */
    @Test
    void oneNameThatHangsHoldsOneThreadWhateverTheTeamsThatNameIt() throws Exception {
        List<InetAddress> first = hangingPastItsTime(RED, "hang7.example");
        List<List<InetAddress>> shared = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            shared.add(transport.resolve(new TeamId("team" + i), "hang7.example"));
        }

        assertThat(transport.resolve(BLUE, "localhost")).as("another name's lookup answers").isNotEmpty();
        assertThat(first).isEmpty();
        assertThat(shared).as("no answer in their time: does not resolve").allSatisfy(addresses -> assertThat(addresses).isEmpty());
        assertThat(HangingNamesResolver.HANGING.availablePermits()).as("no second lookup of the name began").isZero();
        assertThat(transport.deliveryLookupsPastTheirTime()).isEqualTo(1);
    }

    /**
     * A caller that started a lookup still waiting for a thread is interrupted (its job thread, at a graceful stop):
     * it withdraws only itself. Another team's delivery sharing that lookup is told it never began (put off, not
     * counted), as when the lookup's time runs out. Before session 39's fix the interrupt ended the shared lookup as
     * "does not resolve": the other delivery's resolve was empty, and its guard refused a receiver never looked up.
     * A long limit here, so that only the interrupt ends the wait; no timing is asserted: the test waits until each
     * caller waits on the lookup.
     */
    @Test
    void anInterruptedCallerOfASharedLookupThatNeverBeganLeavesTheOthersPutOffNotRefused() throws Exception {
        try (ApacheWebhookTransport slow = new ApacheWebhookTransport(Duration.ofMinutes(5), Duration.ofSeconds(5),
                new TargetAddressRules(true, false))) {
            fourHanging("9", slow::resolve);
            CompletableFuture<Throwable> interrupted = new CompletableFuture<>();
            Thread started = waitingCaller(() -> slow.resolve(RED, "localhost"), interrupted);
            CompletableFuture<Throwable> sharing = new CompletableFuture<>();
            Thread joined = waitingCaller(() -> slow.resolve(BLUE, "localhost"), sharing);

            started.interrupt();
            joined.join();

            assertThat(sharing.get()).as("the sharing delivery: put off, its receiver not judged")
                    .isInstanceOf(WebhookTransport.LookupNotStarted.class);
            started.join();
            assertThat(interrupted.get()).as("the interrupted caller's own delivery: put off too, not refused")
                    .isInstanceOf(WebhookTransport.LookupNotStarted.class);
        }
    }

    /** A thread running {@code lookUp} until it waits on the lookup's answer (no other wait of it is timed). */
    private static Thread waitingCaller(Runnable lookUp, CompletableFuture<Throwable> outcome) {
        Thread caller = Thread.ofPlatform().start(() -> outcome.complete(catchThrowable(lookUp::run)));
        await("the caller waits on the lookup").atMost(Duration.ofMinutes(1))
                .until(() -> caller.getState() == Thread.State.TIMED_WAITING);
        return caller;
    }
}
