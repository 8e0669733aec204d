package org.vpsrecovery.adapters.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The database URL's {@code options}, read as pgjdbc reads them and taken out alone (ADR 0023, session 40). */
class DatabaseUrlOptionsTest {

    @Test
    void theOptionsAreDecodedAsPgjdbcDecodesThemTheLastOneRead() {
        assertThat(DatabaseUrlOptions.of("jdbc:postgresql://db/vpsr?options=-c%20search_path%3Dvpsr"))
                .isEqualTo("-c search_path=vpsr");
        assertThat(DatabaseUrlOptions.of(
                "jdbc:postgresql://db/vpsr?options=-c+a%3D1&sslmode=require&options=-c%20b%3D2")).isEqualTo("-c b=2");
        assertThat(DatabaseUrlOptions.of("jdbc:postgresql://db/vpsr?sslmode=require")).isNull();
        assertThat(DatabaseUrlOptions.of("jdbc:postgresql://db/vpsr")).isNull();
        assertThat(DatabaseUrlOptions.of(null)).isNull();
    }

    @Test
    void takingThemOutKeepsEveryOtherArgumentAsWrittenAndInItsPlace() {
        assertThat(DatabaseUrlOptions.without("jdbc:postgresql://db/vpsr?options=-c%20search_path%3Dvpsr"))
                .isEqualTo("jdbc:postgresql://db/vpsr");
        assertThat(DatabaseUrlOptions.without(
                "jdbc:postgresql://db:5433/vpsr?sslmode=require&options=-c%20a%3D1&ApplicationName=x%20y&options=x"))
                .isEqualTo("jdbc:postgresql://db:5433/vpsr?sslmode=require&ApplicationName=x%20y");
        assertThat(DatabaseUrlOptions.without("jdbc:postgresql://db/vpsr?optionsX=1&sslmode=require"))
                .isEqualTo("jdbc:postgresql://db/vpsr?optionsX=1&sslmode=require");
        assertThat(DatabaseUrlOptions.without("jdbc:postgresql://db/vpsr")).isEqualTo("jdbc:postgresql://db/vpsr");
    }

    @Test
    void joinedPutsTheLaterAfterTheEarlierAndSkipsWhatIsMissing() {
        assertThat(DatabaseUrlOptions.joined("-c a=1", "-c a=2")).isEqualTo("-c a=1 -c a=2");
        assertThat(DatabaseUrlOptions.joined(null, " -c a=2")).isEqualTo("-c a=2");
        assertThat(DatabaseUrlOptions.joined("-c a=1 ", "")).isEqualTo("-c a=1");
        assertThat(DatabaseUrlOptions.joined(" ", null)).isNull();
    }
}
