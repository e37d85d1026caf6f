package dev.nerve.memory.search;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.lucene.analysis.CharArraySet;
import org.apache.lucene.analysis.LowerCaseFilter;
import org.apache.lucene.analysis.WordlistLoader;
import org.apache.lucene.analysis.StopFilter;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.en.EnglishAnalyzer;
import org.apache.lucene.analysis.en.EnglishPossessiveFilter;
import org.apache.lucene.analysis.en.PorterStemFilter;

/**
 * How memory texts and queries become keyword terms. {@link #ENGLISH} (the default) drops English
 * stop words and stems ("volunteered", "volunteering" and "volunteer" are one term, "Ann's" is
 * "ann"), so a question matches a memory that says the same thing in another form of the word;
 * {@link #STANDARD} only splits and lower-cases, for memories in other languages.
 */
public enum KeywordAnalysis {
  /**
   * Standard tokenizer, possessives removed, lower case, English stop words removed, Porter stems;
   * queries also drop the function words a question is made of (see {@link #queryFilter}).
   */
  ENGLISH {
    @Override
    TokenStream filter(TokenStream tokens) {
      return english(tokens, EnglishAnalyzer.ENGLISH_STOP_WORDS_SET);
    }

    @Override
    TokenStream queryFilter(TokenStream tokens) {
      return english(tokens, QuestionWords.SET);
    }
  },
  /** Standard tokenizer and lower case only. */
  STANDARD {
    @Override
    TokenStream filter(TokenStream tokens) {
      return new LowerCaseFilter(tokens);
    }
  };

  /** The filters applied to the standard tokenizer's output when a memory's text is indexed. */
  abstract TokenStream filter(TokenStream tokens);

  /**
   * The filters applied to a search query: those of {@link #filter}, and for English a wider stop
   * list. A question is mostly words that say what kind of answer is wanted ("When did", "What
   * has", "Would she"); chat turns are full of the same words ("what did you", "I have"), so as
   * query terms they match turns for their phrasing, not their topic, and count in the keyword
   * ceiling as content that no memory can be expected to hold. Only queries drop them: indexed
   * texts keep them, so changing this needs no rebuild.
   */
  TokenStream queryFilter(TokenStream tokens) {
    return filter(tokens);
  }

  private static TokenStream english(TokenStream tokens, CharArraySet stopWords) {
    return new PorterStemFilter(new StopFilter(new LowerCaseFilter(new EnglishPossessiveFilter(tokens)), stopWords));
  }

  /**
   * Lucene's English stop words, the Snowball project's English list (pronouns, auxiliaries,
   * question words, contractions, quantifiers; shipped with Lucene) and the modal verbs it lacks.
   */
  static final class QuestionWords {
    static final CharArraySet SET = load();

    private QuestionWords() {}

    private static CharArraySet load() {
      CharArraySet words = new CharArraySet(EnglishAnalyzer.ENGLISH_STOP_WORDS_SET, true);
      try (InputStream in = org.apache.lucene.analysis.snowball.SnowballFilter.class.getResourceAsStream("english_stop.txt")) {
        if (in == null) {
          throw new IllegalStateException("Lucene's Snowball English stop list is missing from the classpath");
        }
        words.addAll(WordlistLoader.getSnowballWordSet(new InputStreamReader(in, StandardCharsets.UTF_8)));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      words.addAll(List.of("can", "may", "might", "must", "shall"));
      return CharArraySet.unmodifiableSet(words);
    }
  }
}
