package org.vpsrecovery.adapters.http.facade;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

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
}
