package dev.nerve.installation.dependency.resolve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class VersionRangeTest {

  private static boolean matches(String range, String version) {
    return VersionRange.parse(range).matches(Version.parse(version));
  }

  @Test
  void precedenceFollowsSemver() {
    List<String> ordered = List.of(
        "1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta", "1.0.0-beta", "1.0.0-beta.2", "1.0.0-beta.11",
        "1.0.0-rc.1", "1.0.0", "1.0.1", "1.2.0", "1.10.0", "2.0.0");
    List<Version> shuffled = new ArrayList<>(ordered.stream().map(Version::parse).toList());
    Collections.shuffle(shuffled, new Random(7));
    Collections.sort(shuffled);
    assertThat(shuffled.stream().map(Version::text).toList()).isEqualTo(ordered);
    assertThat(Version.parse("1.0.0+build.1")).isEqualTo(Version.parse("1.0.0+other"));
  }

  @Test
  void refusesWhatIsNotAVersion() {
    for (String bad : List.of("", "1", "1.2", "01.2.3", "1.2.3-", "1.2.3-01", "v1.2.3", "1.2.3.4", "a.b.c", "1.2.3 ")) {
      assertThat(Version.valid(bad)).as(bad).isFalse();
    }
    assertThatThrownBy(() -> VersionRange.parse(">=1.x.y")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> VersionRange.parse("1.0 ||")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> VersionRange.parse("^1-rc")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void rangesMatchAsDocumented() {
    assertThat(matches("^1.2", "1.9.9")).isTrue();
    assertThat(matches("^1.2", "2.0.0")).isFalse();
    assertThat(matches("^1.2", "1.1.9")).isFalse();
    assertThat(matches("^0.2.3", "0.2.9")).isTrue();
    assertThat(matches("^0.2.3", "0.3.0")).isFalse();
    assertThat(matches("^0.0.3", "0.0.4")).isFalse();
    assertThat(matches("~1.2.3", "1.2.9")).isTrue();
    assertThat(matches("~1.2.3", "1.3.0")).isFalse();
    assertThat(matches("1.x", "1.7.0")).isTrue();
    assertThat(matches("1.x", "2.0.0")).isFalse();
    assertThat(matches("1.4.2", "1.4.2")).isTrue();
    assertThat(matches("=1.4.2", "1.4.3")).isFalse();
    assertThat(matches(">=1.2.0 <2.0.0", "1.2.0")).isTrue();
    assertThat(matches(">=1.2.0 <2.0.0", "2.0.0")).isFalse();
    assertThat(matches(">1.2", "1.2.9")).isFalse();
    assertThat(matches(">1.2", "1.3.0")).isTrue();
    assertThat(matches("<=1.2", "1.2.9")).isTrue();
    assertThat(matches("*", "0.0.1")).isTrue();
    assertThat(matches("", "9.9.9")).isTrue();
    assertThat(matches("^1.0 || ^3.0", "3.1.0")).isTrue();
    assertThat(matches("^1.0 || ^3.0", "2.1.0")).isFalse();
  }

  @Test
  void preReleasesOnlyWhenNamed() {
    assertThat(matches("^1.0", "1.1.0-rc.1")).isFalse();
    assertThat(matches("<2.0.0", "2.0.0-rc.1")).isFalse();
    assertThat(matches(">=1.1.0-rc.1 <2.0.0", "1.1.0-rc.2")).isTrue();
    assertThat(matches(">=1.1.0-rc.1 <2.0.0", "1.2.0-rc.2")).isFalse();
    assertThat(matches("1.1.0-rc.1", "1.1.0-rc.1")).isTrue();
  }
}
