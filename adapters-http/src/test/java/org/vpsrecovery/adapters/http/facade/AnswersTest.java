package org.vpsrecovery.adapters.http.facade;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.channel.DefaultEventLoop;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.vpsrecovery.domain.port.ProviderFailure;

/** ADR 0134: an answer completed on another thread is finished on the request's own event loop. */
class AnswersTest {

    private final DefaultEventLoop loop = new DefaultEventLoop();

    @AfterEach
    void stopTheLoop() throws InterruptedException {
        loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS);
    }

    private Thread loopThread() throws Exception {
        return loop.submit(Thread::currentThread).get(5, TimeUnit.SECONDS);
    }

    @Test
    void anAnswerCompletedOnAnotherThreadIsContinuedOnTheLoop() throws Exception {
        CompletableFuture<String> answer = new CompletableFuture<>();
        AtomicReference<Thread> continuedOn = new AtomicReference<>();
        CompletableFuture<String> there = Answers.continuedOn(loop, answer).thenApply(value -> {
            continuedOn.set(Thread.currentThread());
            return value + "!";
        });

        Thread completer = Thread.ofPlatform().start(() -> answer.complete("listed"));
        completer.join();

        assertThat(there.get(5, TimeUnit.SECONDS)).isEqualTo("listed!");
        assertThat(continuedOn.get()).isSameAs(loopThread()).isNotSameAs(completer);
    }

    @Test
    void anAnswerCompletedOnTheLoopItselfContinuesThereWithoutATaskQueued() throws Exception {
        CompletableFuture<String> answer = new CompletableFuture<>();
        AtomicReference<Thread> continuedOn = new AtomicReference<>();
        CompletableFuture<String> there = Answers.continuedOn(loop, answer);
        there.thenRun(() -> continuedOn.set(Thread.currentThread()));

        // Completed on the loop: the dependent runs inside this task, before the task returns.
        AtomicReference<Thread> ranInTheTask = new AtomicReference<>();
        loop.submit(() -> {
            answer.complete("listed");
            ranInTheTask.set(continuedOn.get());
        }).get(5, TimeUnit.SECONDS);

        assertThat(there.get(5, TimeUnit.SECONDS)).isEqualTo("listed");
        assertThat(ranInTheTask.get()).isSameAs(loopThread());
    }

    @Test
    void aFailureReachesTheLoopAsItWasRaisedAndIsUnwrappedForTheHandlers() throws Exception {
        CompletableFuture<String> answer = new CompletableFuture<>();
        CompletableFuture<String> there = Answers.unwrapped(Answers.continuedOn(loop, answer).thenApply(value -> value));
        ProviderFailure unavailable = new ProviderFailure(ProviderFailure.Kind.UNAVAILABLE, "VPS.org answered 503");

        Thread.ofPlatform().start(() -> answer.completeExceptionally(unavailable)).join();

        assertThatThrownBy(() -> there.get(5, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class).cause().isSameAs(unavailable);
    }

    @Test
    void aLoopAlreadyClosedStillCompletesTheAnswer() throws Exception {
        loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS);
        CompletableFuture<String> answer = new CompletableFuture<>();
        CompletableFuture<String> there = Answers.continuedOn(loop, answer);

        answer.complete("listed");

        assertThat(there.getNow("not completed")).isEqualTo("listed");
    }
}
