package org.vpsrecovery.adapters.http.facade;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

class RequestIdLogContextTest {

    @AfterEach
    void clear() {
        MDC.clear();
    }

    @Test
    void setsTheIdWhileTheRequestRunsHereAndPutsBackWhatTheThreadHad() {
        MDC.put("other", "kept");
        MDC.put(RequestIdFilter.MDC_KEY, "outer");
        RequestIdLogContext context = new RequestIdLogContext("inner");

        String previous = context.updateThreadContext();
        assertThat(MDC.get(RequestIdFilter.MDC_KEY)).isEqualTo("inner");
        assertThat(MDC.get("other")).isEqualTo("kept");

        context.restoreThreadContext(previous);
        assertThat(MDC.get(RequestIdFilter.MDC_KEY)).isEqualTo("outer");
        assertThat(MDC.get("other")).isEqualTo("kept");
    }

    @Test
    void leavesNoIdBehindOnAThreadThatHadNone() {
        RequestIdLogContext context = new RequestIdLogContext("inner");

        context.restoreThreadContext(context.updateThreadContext());

        assertThat(MDC.get(RequestIdFilter.MDC_KEY)).isNull();
    }
}
