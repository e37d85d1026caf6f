package dev.nerve.memory.search;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A text that mostly asks is told from one that tells something and asks back. */
class QuestionShapeTest {

  @ParameterizedTest
  @ValueSource(
      strings = {
        "Ben: Congrats! What do you like about it?",
        "Oh cool, what got you into that?",
        "Do you ever think back to when you decided to volunteer at the senior center?",
        "Sam: Is it doing ok?",
        "¿Qué tal? ¿Cómo te fue en la carrera?",
        "你去哪儿了？",
        "هل ذهبت إلى الحديقة؟"
      })
  void textsThatMostlyAsk(String text) {
    assertThat(QuestionShape.mostlyAsks(text)).isTrue();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "Sam: Oh, and i attended the LGBTQ support group last night, it was powerful. How's work going for you?",
        "Ben: Love it, there's a park right across the street.",
        "Hey Sam! All good here. You?",
        "What a day!",
        "The question is why.",
        "???",
        ""
      })
  void textsThatTellSomething(String text) {
    assertThat(QuestionShape.mostlyAsks(text)).isFalse();
  }
}
