package dev.nerve.memory.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nerve.platform.error.ErrorCode;
import dev.nerve.platform.error.NerveException;
import org.junit.jupiter.api.Test;

class PageCursorTest {

  @Test
  void roundTripsItsParts() {
    String encoded = PageCursor.of("q", "1700000000000", "0.5", "id:with:colons").encode();

    PageCursor decoded = PageCursor.decode("page.cursor", encoded, 4);

    assertThat(decoded.parts()).containsExactly("q", "1700000000000", "0.5", "id:with:colons");
    assertThat(decoded.number("page.cursor", 1)).isEqualTo(1_700_000_000_000L);
  }

  @Test
  void rejectsForeignCursorsAsBadInput() {
    String twoParts = PageCursor.of("1", "2").encode();

    assertThatThrownBy(() -> PageCursor.decode("page.cursor", twoParts, 4))
        .isInstanceOfSatisfying(NerveException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT));
    assertThatThrownBy(() -> PageCursor.decode("page.cursor", "%%%", 1)).isInstanceOf(NerveException.class);
    assertThatThrownBy(() -> PageCursor.of("x").number("page.cursor", 0)).isInstanceOf(NerveException.class);
  }
}
