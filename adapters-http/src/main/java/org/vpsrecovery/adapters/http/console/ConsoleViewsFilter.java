package org.vpsrecovery.adapters.http.console;

import io.micronaut.context.annotation.Replaces;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.Filter;
import io.micronaut.http.filter.ConditionalFilter;
import io.micronaut.http.filter.HttpServerFilter;
import io.micronaut.http.filter.ServerFilterChain;
import io.micronaut.views.ViewsFilter;
import io.micronaut.views.ViewsModelDecorator;
import io.micronaut.views.ViewsRendererLocator;
import io.micronaut.views.ViewsResolver;
import io.micronaut.views.turbo.TurboFrameRenderer;
import org.reactivestreams.Publisher;
import org.vpsrecovery.adapters.http.facade.FilterPaths;

/**
 * Micronaut Views' rendering filter, on the console's paths only: only the console answers with views
 * ({@code ModelAndView}). The library's own filter matches every path and is a reactive (legacy) filter, so every
 * API request, the team's list included, went through it and through Reactor's operators around the rest of the
 * chain (ADR 0092). Declared on every path with the console's decided in {@link #isEnabled} (ADR 0124), and decided
 * again in {@link #doFilter}: Micronaut does not consult {@code isEnabled} on a request with an {@code Origin} header.
 */
@Replaces(ViewsFilter.class)
@Filter(Filter.MATCH_ALL_PATTERN)
public class ConsoleViewsFilter implements HttpServerFilter, ConditionalFilter {

    private final ViewsFilter views;

    public ConsoleViewsFilter(ViewsResolver viewsResolver, ViewsRendererLocator viewsRendererLocator,
                              ViewsModelDecorator viewsModelDecorator, TurboFrameRenderer turboFrameRenderer) {
        this.views = new ViewsFilter(viewsResolver, viewsRendererLocator, viewsModelDecorator, turboFrameRenderer);
    }

    /** The console's pages only (FilterPaths). */
    @Override
    public boolean isEnabled(HttpRequest<?> request) {
        return FilterPaths.underConsole(request.getPath());
    }

    @Override
    public Publisher<MutableHttpResponse<?>> doFilter(HttpRequest<?> request, ServerFilterChain chain) {
        return isEnabled(request) ? views.doFilter(request, chain) : chain.proceed(request);
    }

    @Override
    public int getOrder() {
        return views.getOrder();
    }
}
