package org.vpsrecovery.adapters.persistence.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PostgresServerTest {

    @Test
    void aDatabaseUrlKeepsTheHostsAndParametersOfTheGivenUrl() {
        PostgresServer server = PostgresServer.at("jdbc:postgresql://db1:5432,db2:5433/postgres?sslmode=require&ApplicationName=t",
                "tester", "pw");

        assertThat(server.urlFor("vpsr_test_1")).isEqualTo(
                "jdbc:postgresql://db1:5432,db2:5433/vpsr_test_1?sslmode=require&ApplicationName=t");
        assertThat(PostgresServer.at("jdbc:postgresql://localhost/", "u", "").urlFor("x"))
                .isEqualTo("jdbc:postgresql://localhost/x");
    }

    @Test
    void refusesAUrlThatIsNotPostgres() {
        assertThatThrownBy(() -> PostgresServer.at("jdbc:h2:mem:test", "sa", ""))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("jdbc:postgresql://");
    }
}
