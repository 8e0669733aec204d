package org.vpsrecovery.adapters.http.console;

import io.micronaut.context.annotation.Replaces;
import io.micronaut.http.annotation.Filter;
import io.micronaut.views.ViewsFilter;
import io.micronaut.views.ViewsModelDecorator;
import io.micronaut.views.ViewsRendererLocator;
import io.micronaut.views.ViewsResolver;
import io.micronaut.views.turbo.TurboFrameRenderer;

/**
 * Micronaut Views' rendering filter, on the console's paths only: only the console answers with views
 * ({@code ModelAndView}). The library's own filter matches every path and is a reactive (legacy) filter, so every
 * API request, the team's list included, went through it and through Reactor's operators around the rest of the
 * chain (ADR 0092).
 */
@Replaces(ViewsFilter.class)
@Filter({"/console", "/console/**"})
public class ConsoleViewsFilter extends ViewsFilter {

    public ConsoleViewsFilter(ViewsResolver viewsResolver, ViewsRendererLocator viewsRendererLocator,
                              ViewsModelDecorator viewsModelDecorator, TurboFrameRenderer turboFrameRenderer) {
        super(viewsResolver, viewsRendererLocator, viewsModelDecorator, turboFrameRenderer);
    }
}
