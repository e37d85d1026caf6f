package dev.nerve.memory.search;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Time-aware search tells questions about time and texts that date something from the rest. */
class TimeLanguageTest {

  @ParameterizedTest
  @ValueSource(
      strings = {
        "When did Caroline go to the LGBTQ support group?",
        "when is the concert",
        "Do you remember when?",
        "And when's the move?",
        "How long ago did Ben adopt Luna?",
        "How long has Melanie been painting?",
        "What year did Jon open his studio?",
        "Which month was the race in Boston?",
        "How many years has Sam known Ann?",
        "Since when does Gina play the cello?"
      })
  void questionsAboutTimeAreRecognised(String question) {
    assertThat(TimeLanguage.asksForTime(question)).isTrue();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "What did Ben name the new pet?",
        "Where did Ann travel with her sister?",
        "What happened when the power went out?",
        "Is Ben an animal lover?",
        "Whenever I bake I think of her."
      })
  void otherQuestionsAreNot(String question) {
    assertThat(TimeLanguage.asksForTime(question)).isFalse();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "Ann: We adopted a puppy last weekend! We named her Luna.",
        "I went to a support group yesterday and it was so powerful.",
        "I painted that lake sunrise last year.",
        "We moved here two days ago, boxes everywhere!",
        "I've had these friends for 4 years now.",
        "The race is on Saturday.",
        "We got married in June 2019.",
        "Flight lands at 6pm on 3/14.",
        "We're going camping in May, can't wait.",
        "I started a few weeks ago.",
        "When I was a kid we had a garden.",
        "Recently I picked up the guitar."
      })
  void textsThatDateSomethingAreRecognised(String text) {
    assertThat(TimeLanguage.mentionsTime(text)).isTrue();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "So glad I decided to adopt Luna, best call ever.",
        "May I ask what breed she is?",
        "The band will march in the parade.",
        "Totally! Bye Ann!",
        "That sounds amazing!",
        "My sister keeps telling me to read Dune."
      })
  void otherTextsAreNot(String text) {
    assertThat(TimeLanguage.mentionsTime(text)).isFalse();
  }
}
