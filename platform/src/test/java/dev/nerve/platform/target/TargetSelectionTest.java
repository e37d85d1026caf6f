package dev.nerve.platform.target;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TargetSelectionTest {

  @Test
  void blankAndAllSelectEveryTarget() {
    assertThat(TargetSelection.parse("").targets()).containsExactly(Target.values());
    assertThat(TargetSelection.parse(null).targets()).containsExactly(Target.values());
    assertThat(TargetSelection.parse("all").targets()).containsExactly(Target.values());
  }

  @Test
  void listSelectsOnlyThoseTargetsIgnoringCaseAndSpaces() {
    TargetSelection selection = TargetSelection.parse(" Gateway, memory ,");
    assertThat(selection.targets()).containsExactlyInAnyOrder(Target.GATEWAY, Target.MEMORY);
    assertThat(selection.runs(Target.INSTALLATION)).isFalse();
    assertThat(selection.servesGrpc()).isTrue();
    assertThat(TargetSelection.parse("gateway").servesGrpc()).isFalse();
  }

  @Test
  void unknownTargetIsRejectedWithTheKnownNames() {
    assertThatThrownBy(() -> TargetSelection.parse("gateway,memroy"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("memroy")
        .hasMessageContaining("installation");
  }

  @Test
  void everyTargetOwnsItsSchema() {
    assertThat(Target.GATEWAY.schema()).contains("gateway");
    assertThat(Target.MEMORY.schema()).contains("memory");
  }
}
