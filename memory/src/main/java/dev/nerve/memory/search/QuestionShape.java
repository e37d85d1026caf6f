package dev.nerve.memory.search;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Whether a text mostly asks: more than half of its words are in sentences that end with a
 * question mark. In a chat, such a turn is the partner asking about a topic ("Congrats! What do you
 * like about it?"); it is worded like a question about that topic, so it matches one closely, but
 * it tells nothing: the answer is in the turns around it. Read from punctuation only (the Latin,
 * full-width and Arabic question marks), so it holds for any language that marks questions so.
 * Search lowers such memories ({@code question-penalty}); it is decided once, when a memory is
 * indexed, so a change to what it recognises goes with a new {@link SearchIndex#format()}.
 */
public final class QuestionShape {

  /** A sentence: a run of text up to and including its closing punctuation, or to the end. */
  private static final Pattern SENTENCE = Pattern.compile("[^.!?。！？؟\\n]+[.!?。！？؟]*");
  private static final Pattern WORD = Pattern.compile("[\\p{L}\\p{N}][\\p{L}\\p{N}'’]*");

  private QuestionShape() {}

  /** Whether more than half of the text's words are in sentences that ask. */
  public static boolean mostlyAsks(String text) {
    int asking = 0;
    int all = 0;
    Matcher sentence = SENTENCE.matcher(text);
    while (sentence.find()) {
      String s = sentence.group().strip();
      int words = words(s);
      all += words;
      if (asks(s)) {
        asking += words;
      }
    }
    return all > 0 && asking * 2 > all;
  }

  private static boolean asks(String sentence) {
    return sentence.endsWith("?") || sentence.endsWith("？") || sentence.endsWith("؟");
  }

  private static int words(String sentence) {
    int words = 0;
    Matcher word = WORD.matcher(sentence);
    while (word.find()) {
      words++;
    }
    return words;
  }
}
