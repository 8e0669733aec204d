package org.vpsrecovery.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The team a person of several teams acts for: --team, else VPSR_TEAM, else team= in the config file (as the URL and
 * the token), sent as X-Vpsr-Team on every request. The requests go to a plain HTTP server on loopback that records
 * them and answers as the facade would.
 */
class TeamChoiceTest {

    @TempDir
    Path home;

    /** One request as the loopback server saw it. */
    record Seen(String method, String uri, String team, String authorization) {
    }

    private final List<Seen> seen = new CopyOnWriteArrayList<>();
    private volatile int status = 200;
    private volatile String body = "{\"count\": 0, \"next\": null, \"results\": []}";
    private HttpServer server;
    private String url;

    @BeforeEach
    void listen() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            seen.add(new Seen(exchange.getRequestMethod(), exchange.getRequestURI().toString(),
                    exchange.getRequestHeaders().getFirst("X-Vpsr-Team"),
                    exchange.getRequestHeaders().getFirst("Authorization")));
            exchange.getRequestBody().readAllBytes();
            byte[] answer = body.getBytes(StandardCharsets.UTF_8);
            boolean csv = exchange.getRequestHeaders().getFirst("Accept").startsWith("text/csv") && status == 200;
            exchange.getResponseHeaders().set("Content-Type", csv ? "text/csv"
                    : status == 200 ? "application/json" : "application/problem+json");
            exchange.sendResponseHeaders(status, csv ? 0 : answer.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(csv ? "sequence,team\n".getBytes(StandardCharsets.UTF_8) : answer);
            }
        });
        server.start();
        url = "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private VpsrRun run(Map<String, String> environment, String... args) {
        return VpsrRun.of(new Vpsr.Environment(environment, home, false), args);
    }

    private Map<String, String> environment(String... more) {
        Map<String, String> environment = new HashMap<>(Map.of("VPSR_URL", url, "VPSR_TOKEN", "a-person-s-jwt"));
        for (int i = 0; i < more.length; i += 2) {
            environment.put(more[i], more[i + 1]);
        }
        return environment;
    }

    private Path configFile(String text) throws IOException {
        Path file = home.resolve(".config/vpsr/config.properties");
        Files.createDirectories(file.getParent());
        return Files.writeString(file, text);
    }

    @Test
    void theTeamComesFromTheFlagElseTheEnvironmentElseTheConfigFileAsTheUrlAndTheTokenDo() throws IOException {
        Path file = configFile("team=billing\n");

        assertThat(run(Map.of(), "config").out()).contains("team   billing  (" + file + ")");
        assertThat(run(Map.of("VPSR_TEAM", "payments"), "config").out()).contains("team   payments  (VPSR_TEAM)");
        // Blank is unset, as for VPSR_URL and VPSR_TOKEN: the file's then.
        assertThat(run(Map.of("VPSR_TEAM", " "), "config").out()).contains("team   billing  (" + file + ")");
        assertThat(run(Map.of("VPSR_TEAM", "payments"), "config", "--team", "demo").out())
                .contains("team   demo  (--team)");
        assertThat(run(Map.of("VPSR_TEAM", "payments"), "--team", " demo ", "config").out())
                .contains("team   demo  (--team)");

        Files.delete(file);
        assertThat(run(Map.of(), "config").out()).contains("team   none");
    }

    @Test
    void theChosenTeamIsSentAsXVpsrTeamOnEveryRequestAndNoneWhenNoneIsChosen() throws IOException {
        assertThat(run(environment(), "snapshots", "list").exitCode()).isZero();
        assertThat(run(environment("VPSR_TEAM", "demo"), "snapshots", "list").exitCode()).isZero();
        assertThat(run(environment("VPSR_TEAM", "demo"), "snapshots", "list", "--team", "billing").exitCode()).isZero();
        configFile("team=payments\n");
        assertThat(run(environment(), "backups", "list").exitCode()).isZero();

        body = "{\"id\": 901, \"name\": \"n\", \"status\": \"pending\"}";
        assertThat(run(environment(), "snapshots", "create", "--server-id", "12345", "--name", "n").exitCode()).isZero();
        assertThat(run(environment(), "snapshots", "delete", "901").exitCode()).isZero();

        assertThat(seen).extracting(Seen::method, Seen::team).containsExactly(
                org.assertj.core.groups.Tuple.tuple("GET", null),
                org.assertj.core.groups.Tuple.tuple("GET", "demo"),
                org.assertj.core.groups.Tuple.tuple("GET", "billing"),
                org.assertj.core.groups.Tuple.tuple("GET", "payments"),
                org.assertj.core.groups.Tuple.tuple("POST", "payments"),
                org.assertj.core.groups.Tuple.tuple("DELETE", "payments"));
        assertThat(seen).allSatisfy(request -> assertThat(request.authorization()).isEqualTo("Bearer a-person-s-jwt"));
    }

    /**
     * The audit reads had a --team filter of their own before: the global --team still filters them (and chooses the
     * team), but a team from VPSR_TEAM or the file only chooses: an auditor's would hide the other teams.
     */
    @Test
    void onTheAuditReadsTheFlagAlsoFiltersByTheTeamTheEnvironmentOnlyChoosesIt() {
        body = "{\"count\": 0, \"results\": []}";
        assertThat(run(environment(), "audit", "events", "--team", "billing", "--operation", "create_snapshot").exitCode())
                .isZero();
        assertThat(run(environment(), "audit", "export", "--team", "billing").exitCode()).isZero();
        body = "{\"counts\": []}";
        assertThat(run(environment(), "--team", "billing", "audit", "summary").exitCode()).isZero();
        assertThat(run(environment("VPSR_TEAM", "demo"), "audit", "summary").exitCode()).isZero();

        assertThat(seen).extracting(Seen::uri, Seen::team).containsExactly(
                org.assertj.core.groups.Tuple.tuple("/api/v1/audit/events/?team=billing&operation=create_snapshot", "billing"),
                org.assertj.core.groups.Tuple.tuple("/api/v1/audit/events/?team=billing", "billing"),
                org.assertj.core.groups.Tuple.tuple("/api/v1/audit/summary/?team=billing", "billing"),
                org.assertj.core.groups.Tuple.tuple("/api/v1/audit/summary/", "demo"));
    }

    @Test
    void aTeamThatIsNoTeamIdIsAUsageErrorByItsSourceRefusedBeforeAnyRequestAndNeverShown() throws IOException {
        configFile("team=eyJhbGciOiJSUzI1NiJ9.s3cret\n");
        List<VpsrRun> wrong = List.of(
                run(environment("VPSR_TEAM", "Payments-S3cret"), "snapshots", "list"),
                run(environment(), "snapshots", "list", "--team", "pay ments s3cret"),
                run(environment(), "--team", "payments_s3cret", "audit", "summary"),
                run(environment("VPSR_TEAM", "x".repeat(64) + "s3cret"), "snapshots", "list"),
                run(environment(), "backups", "list"));

        assertThat(wrong).allSatisfy(each -> {
            assertThat(each.exitCode()).as(each.err()).isEqualTo(ExitCodes.USAGE);
            assertThat(each.err()).contains("is not a team id: 1-63 lower-case letters, digits or inner hyphens");
            assertThat(each.out() + each.err()).doesNotContainIgnoringCase("s3cret");
        });
        assertThat(wrong.getFirst().err()).contains("the team from VPSR_TEAM");
        assertThat(wrong.get(1).err()).contains("the team from --team");
        assertThat(wrong.getLast().err()).contains("the team from " + home.resolve(".config/vpsr/config.properties"));
        assertThat(seen).isEmpty();
    }

    /**
     * The facade's refusal names the header; vpsr says which of its settings sends it. No team chosen is the facade's
     * 400 TEAM_NOT_CHOSEN (ADR 0034, amended in session 50): a usage error, exit 1; a team the token does not name exit 4.
     */
    @Test
    void aRefusalAboutTheTeamSaysHowToChooseOne() {
        status = 400;
        body = "{\"status\": 400, \"reason_code\": \"TEAM_NOT_CHOSEN\", "
                + "\"detail\": \"the token names several teams; choose one with X-Vpsr-Team\"}";
        VpsrRun none = run(environment(), "snapshots", "list");
        // A valid token that does not name the team chosen is the facade's 403 NOT_ENTITLED (ADR 0034, session 49).
        status = 403;
        body = "{\"status\": 403, \"reason_code\": \"NOT_ENTITLED\", "
                + "\"detail\": \"the token does not name the team X-Vpsr-Team chose\"}";
        VpsrRun wrongOne = run(environment("VPSR_TEAM", "billing"), "snapshots", "list");

        assertThat(none.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(none.err()).contains("TEAM_NOT_CHOSEN (400): the token names several teams")
                .contains("vpsr: choose the team with --team, VPSR_TEAM or team= in the config file");
        assertThat(wrongOne.exitCode()).isEqualTo(ExitCodes.UNAUTHORIZED);
        assertThat(wrongOne.err()).contains("vpsr: team billing was sent (from VPSR_TEAM)");
        assertThat(none.err() + wrongOne.err()).doesNotContain("a-person-s-jwt");
    }
}
