package org.vpsrecovery.adapters.http.facade;

import io.micronaut.http.HttpRequest;
import io.micronaut.http.server.netty.NettyHttpRequest;
import io.netty.util.concurrent.EventExecutor;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.RejectedExecutionException;

/** Asynchronous answers of the routes that wait on no thread. */
final class Answers {

    private Answers() {
    }

    /**
     * The same answer, its failure as the use case raised it: the exception handlers map a {@code ProviderFailure}
     * or an {@code InvalidRequest} by its type, which a {@link CompletionException} around it would hide.
     */
    static <T> CompletableFuture<T> unwrapped(CompletableFuture<T> answer) {
        CompletableFuture<T> unwrapped = new CompletableFuture<>();
        answer.whenComplete((value, failure) -> {
            if (failure == null) {
                unwrapped.complete(value);
            } else {
                unwrapped.completeExceptionally(failure instanceof CompletionException wrapped && wrapped.getCause() != null
                        ? wrapped.getCause() : failure);
            }
        });
        return unwrapped;
    }

    /**
     * The answer, continued on the event loop of the request's connection when it completes on another thread: what
     * follows (the JSON, the response filters, the write) then runs on the loop that writes it, not on the thread that
     * completed the answer. A shared read (ADR 0075) completes on the VPS.org client's one loop, which otherwise
     * finishes every caller's answer in turn before it reads VPS.org's next one (ADR 0134). The hand-off is the one the
     * write made anyway, made earlier.
     */
    static <T> CompletableFuture<T> onTheRequestsLoop(HttpRequest<?> request, CompletableFuture<T> answer) {
        if (answer.isDone() || !(request instanceof NettyHttpRequest<?> netty)) {
            return answer;
        }
        return continuedOn(netty.getChannelHandlerContext().channel().eventLoop(), answer);
    }

    /** The same answer, its dependents run on {@code loop} (at once when it completes there). */
    static <T> CompletableFuture<T> continuedOn(EventExecutor loop, CompletableFuture<T> answer) {
        CompletableFuture<T> there = new CompletableFuture<>();
        answer.whenComplete((value, failure) -> {
            Runnable complete = () -> {
                if (failure == null) {
                    there.complete(value);
                } else {
                    there.completeExceptionally(failure);
                }
            };
            if (loop.inEventLoop()) {
                complete.run();
                return;
            }
            try {
                loop.execute(complete);
            } catch (RejectedExecutionException shutDown) {
                // The loop is closing with its connection: the answer is still completed, where it is.
                complete.run();
            }
        });
        return there;
    }
}
