package org.vpsrecovery.bootstrap.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.vpsrecovery.adapters.http.facade.HashedTeamTokens;
import org.vpsrecovery.adapters.persistence.testing.FreshDatabase;
import org.vpsrecovery.simulator.SimulatorOptions;
import org.vpsrecovery.simulator.VpsOrgSimulator;

/** The fixture itself: several processes from one builder on one database, each stopped its own way. */
class ServiceProcessIT {

    @RegisterExtension
    static final FreshDatabase DATABASE = FreshDatabase.migrated();

    private static final String TOKEN = "fixture-team-token";

    @Test
    void oneBuilderStartsTwoProcessesOnOneDatabaseEachOnItsOwnPortAndEachStopsAlone() {
        try (VpsOrgSimulator simulator = VpsOrgSimulator.start(SimulatorOptions.defaults())) {
            ServiceProcess.Builder service = ServiceProcess.builder("fixture-two-on-one-db")
                    .env(Map.of("VPSR_DATABASE_URL", DATABASE.database().url(),
                            "VPSR_DATABASE_USER", DATABASE.database().user(),
                            "VPSR_DATABASE_PASSWORD", DATABASE.database().password(),
                            "VPSORG_BASE_URL", simulator.baseUri().toString(),
                            "VPSORG_API_TOKEN", VpsOrgSimulator.DEMO_TOKEN))
                    .file("VPSR_TEAMS_FILE", "teams.properties", "vpsr.teams.demo.token-sha256="
                            + HashedTeamTokens.sha256Hex(TOKEN) + "\nvpsr.teams.demo.servers=12345\n");

            try (ServiceProcess a = service.start(); ServiceProcess b = service.start()) {
                assertThat(a.port()).isNotEqualTo(b.port()).isPositive();
                assertThat(a.directory()).isNotEqualTo(b.directory());
                assertThat(a.send("GET", "/api/v1/snapshots/?server_id=12345", TOKEN, null).statusCode()).isEqualTo(200);

                assertThat(a.stop()).isIn(0, 143);
                assertThat(a.isAlive()).isFalse();
                assertThat(b.send("GET", "/api/v1/snapshots/?server_id=12345", TOKEN, null).statusCode()).isEqualTo(200);

                assertThat(b.killNow()).isEqualTo(137);
                assertThat(b.isAlive()).isFalse();
                assertThat(a.stdout()).contains("vps-recovery is listening on " + a.baseUrl());
            }
        }
    }
}
