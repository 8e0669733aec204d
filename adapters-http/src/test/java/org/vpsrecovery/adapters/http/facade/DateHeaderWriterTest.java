package org.vpsrecovery.adapters.http.facade;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class DateHeaderWriterTest {

    private final HttpDate date = new HttpDate(Clock.fixed(Instant.parse("2026-12-05T00:07:03Z"), ZoneOffset.UTC));

    @Test
    void anAnswerWithoutADateIsDatedOnItsWayToTheCodec() {
        EmbeddedChannel channel = new EmbeddedChannel(new DateHeaderWriter(date));
        channel.writeOutbound(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.UNAUTHORIZED));
        FullHttpResponse written = channel.readOutbound();
        assertThat(written.headers().getAll(HttpHeaderNames.DATE)).containsExactly("Sat, 05 Dec 2026 00:07:03 GMT");
        written.release();
    }

    @Test
    void anAnswerAlreadyDatedKeepsItsOneDate() {
        EmbeddedChannel channel = new EmbeddedChannel(new DateHeaderWriter(date));
        HttpResponse answer = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        answer.headers().set(HttpHeaderNames.DATE, "Fri, 04 Dec 2026 23:59:59 GMT");
        channel.writeOutbound(answer);
        HttpResponse written = channel.readOutbound();
        assertThat(written.headers().getAll(HttpHeaderNames.DATE)).containsExactly("Fri, 04 Dec 2026 23:59:59 GMT");
    }

    @Test
    void aStreamedAnswersBodyPassesUntouched() {
        EmbeddedChannel channel = new EmbeddedChannel(new DateHeaderWriter(date));
        channel.writeOutbound(new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK),
                new DefaultHttpContent(Unpooled.copiedBuffer("[]", StandardCharsets.UTF_8)));
        HttpResponse head = channel.readOutbound();
        HttpContent body = channel.readOutbound();
        assertThat(head.headers().contains(HttpHeaderNames.DATE)).isTrue();
        assertThat(body.content().toString(StandardCharsets.UTF_8)).isEqualTo("[]");
        body.release();
    }

    @Test
    void oneWriterServesEveryConnection() {
        DateHeaderWriter writer = new DateHeaderWriter(date);
        EmbeddedChannel first = new EmbeddedChannel(writer);
        EmbeddedChannel second = new EmbeddedChannel(writer);
        first.writeOutbound(new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK));
        second.writeOutbound(new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.NO_CONTENT));
        assertThat(((HttpResponse) first.readOutbound()).headers().contains(HttpHeaderNames.DATE)).isTrue();
        assertThat(((HttpResponse) second.readOutbound()).headers().contains(HttpHeaderNames.DATE)).isTrue();
    }
}
