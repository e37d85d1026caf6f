package dev.nerve.sdk.extension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SemverRangeTest {

  @Test
  void comparatorsCaretTildeAndWildcards() {
    assertThat(SemverRange.parse(">=1.2.0 <2.0.0").matches("1.9.9")).isTrue();
    assertThat(SemverRange.parse(">=1.2.0 <2.0.0").matches("2.0.0")).isFalse();
    assertThat(SemverRange.parse("^1.2").matches("1.7.0")).isTrue();
    assertThat(SemverRange.parse("^1.2").matches("1.1.9")).isFalse();
    assertThat(SemverRange.parse("^0.3.1").matches("0.3.9")).isTrue();
    assertThat(SemverRange.parse("^0.3.1").matches("0.4.0")).isFalse();
    assertThat(SemverRange.parse("~1.2.3").matches("1.2.9")).isTrue();
    assertThat(SemverRange.parse("~1.2.3").matches("1.3.0")).isFalse();
    assertThat(SemverRange.parse("1.x").matches("1.99.0")).isTrue();
    assertThat(SemverRange.parse("1.4.2").matches("1.4.2-rc.1")).isTrue();
    assertThat(SemverRange.parse("").matches("9.9.9")).isTrue();
    assertThat(SemverRange.parse("*").matches("0.0.1")).isTrue();
    assertThat(SemverRange.parse(">=1.0.0").matches("not-a-version")).isFalse();
  }

  @Test
  void malformedRangesAndVersionsAreRefused() {
    assertThatThrownBy(() -> SemverRange.parse(">=banana")).isInstanceOf(IllegalArgumentException.class);
    assertThat(SemverRange.valid("1.2.3")).isTrue();
    assertThat(SemverRange.valid("1.2")).isFalse();
    assertThat(SemverRange.valid("1.2.3-beta.1+build.5")).isTrue();
  }
}
