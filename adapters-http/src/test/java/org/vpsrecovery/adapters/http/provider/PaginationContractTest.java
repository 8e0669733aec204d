package org.vpsrecovery.adapters.http.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.vpsrecovery.domain.backup.BackupType;
import org.vpsrecovery.domain.port.ProviderFailure;
import org.vpsrecovery.domain.port.ProviderFailure.Kind;
import org.vpsrecovery.domain.server.ServerId;
import org.vpsrecovery.simulator.Fault;
import org.vpsrecovery.simulator.RecordedRequest;

/** {@code next} links, which the documentation does not promise but the adapter follows, within a page cap. */
class PaginationContractTest {

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
}
