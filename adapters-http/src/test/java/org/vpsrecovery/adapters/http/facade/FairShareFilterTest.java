package org.vpsrecovery.adapters.http.facade;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Which routes hold a slot among the team's calls in flight: those whose use cases call VPS.org. */
class FairShareFilterTest {

    @ParameterizedTest
    @ValueSource(strings = {"/api/v1/snapshots/", "/api/v1/snapshots/801/restore/", "/api/v1/backups/9/holds/",
            "/api/v1/servers/12345/restore/", "/api/v1/policies/abc/plan/", "/api/v1/audit/recoverability/",
            "/api/v1/operations/abc/approval/",
            // the forms the OpenAPI document publishes, without the trailing slash (ADR 0006)
            "/api/v1/snapshots", "/api/v1/snapshots/801/restore", "/api/v1/backups/9/holds", "/api/v1/servers/12345/restore",
            "/api/v1/policies/abc/plan", "/api/v1/audit/recoverability", "/api/v1/operations/abc/approval"})
    void routesThatCallVpsOrgHoldASlot(String path) {
        assertThat(FairShareFilter.callsVpsOrg(path)).isTrue();
    }

    /**
     * A server's state and the release of its restore hold read the platform's operations only (RestoreHoldService):
     * counted here before session 39, they left a team whose slots slow lists held unable to end its own hold (429).
     */
    @ParameterizedTest
    @ValueSource(strings = {"/api/v1/operations/", "/api/v1/operations/abc/", "/api/v1/policies/",
            "/api/v1/policies/abc/", "/api/v1/webhooks/", "/api/v1/audit/events/", "/api/v1/audit/summary/",
            "/api/v1/servers/12345/", "/api/v1/servers/12345", "/api/v1/servers/12345/restore-hold/",
            "/api/v1/servers/12345/restore-hold", "/api/v1/operations", "/api/v1/policies/abc"})
    void routesThatOnlyReadThePlatformsOwnRecordsHoldNone(String path) {
        assertThat(FairShareFilter.callsVpsOrg(path)).isFalse();
    }
}
