package dev.nerve.memory.search;

import org.apache.lucene.analysis.LowerCaseFilter;
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
  /** Standard tokenizer, possessives removed, lower case, English stop words removed, Porter stems. */
  ENGLISH {
    @Override
    TokenStream filter(TokenStream tokens) {
      return new PorterStemFilter(
          new StopFilter(new LowerCaseFilter(new EnglishPossessiveFilter(tokens)), EnglishAnalyzer.ENGLISH_STOP_WORDS_SET));
    }
  },
  /** Standard tokenizer and lower case only. */
  STANDARD {
    @Override
    TokenStream filter(TokenStream tokens) {
      return new LowerCaseFilter(tokens);
    }
  };

  /** The filters applied to the standard tokenizer's output. */
  abstract TokenStream filter(TokenStream tokens);
}
