package org.vpsrecovery.adapters.http.facade;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The one reading of a list's page parameters: each bad one by its own code, the field named. */
class PageParametersTest {

    @Test
    void aSizeOutOfItsRangeOrNoNumberIsPageSizeOutOfRange() {
        for (String bad : List.of("0", "501", "-1", "ten", "", "1e2", "99999999999", "0x10")) {
            assertThatThrownBy(() -> PageParameters.size(bad, 500, 100)).as(bad)
                    .isInstanceOfSatisfying(InvalidRequest.class, refused -> {
                        assertThat(refused.reason()).isEqualTo(RequestReason.PAGE_SIZE_OUT_OF_RANGE);
                        assertThat(refused.field()).isEqualTo("limit");
                    });
        }
        assertThat(PageParameters.size("1", 500, 100)).isEqualTo(1);
        assertThat(PageParameters.size("500", 500, 100)).isEqualTo(500);
        assertThat(PageParameters.size(null, 500, 100)).isEqualTo(100);
    }

    @Test
    void aPositionThatIsNoPagesNextIsAnInvalidCursor() {
        assertThatThrownBy(() -> PageParameters.after("soon", UUID::fromString, "a hold id (a UUID)"))
                .isInstanceOfSatisfying(InvalidRequest.class, refused -> {
                    assertThat(refused.reason()).isEqualTo(RequestReason.INVALID_CURSOR);
                    assertThat(refused.field()).isEqualTo("after");
                    assertThat(refused.getMessage()).contains("a hold id (a UUID)");
                });
        UUID id = UUID.randomUUID();
        assertThat(PageParameters.after(id.toString(), UUID::fromString, "an id")).contains(id);
        assertThat(PageParameters.after(null, UUID::fromString, "an id")).isEqualTo(Optional.empty());
    }
}
