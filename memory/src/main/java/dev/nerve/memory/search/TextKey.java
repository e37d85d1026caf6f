package dev.nerve.memory.search;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.text.Normalizer;
import java.util.HexFormat;
import java.util.Locale;

/**
 * What "the same text" means for deduplication: texts are equal when their normalized forms are
 * (Unicode NFKC, case folded, every run of characters other than letters and digits read as one
 * space, leading and trailing ones dropped). So "Bye Ann!" equals "bye, ann" but not "Bye Ben!". A
 * text without letters or digits is compared with only its spaces collapsed.
 * The index keeps a digest of the normalized form per memory so equal texts are found without a
 * scan.
 */
public final class TextKey {

  private TextKey() {}

  /** The normalized form of a text. */
  public static String normalize(String text) {
    String folded = Normalizer.normalize(text, Normalizer.Form.NFKC).toLowerCase(Locale.ROOT);
    StringBuilder out = new StringBuilder(folded.length());
    boolean gap = false;
    for (int i = 0; i < folded.length(); ) {
      int cp = folded.codePointAt(i);
      i += Character.charCount(cp);
      if (Character.isLetterOrDigit(cp)) {
        if (gap && out.length() > 0) {
          out.append(' ');
        }
        gap = false;
        out.appendCodePoint(cp);
      } else {
        gap = true;
      }
    }
    // A text of symbols only ("!!!", an emoji) keeps its symbols, so it equals only itself.
    return out.length() > 0 ? out.toString() : folded.strip().replaceAll("\\s+", " ");
  }

  /** Whether two texts are equal after normalization. */
  public static boolean same(String a, String b) {
    return normalize(a).equals(normalize(b));
  }

  /** Digest of the normalized form (128 bits as hex), the indexed key of a text. */
  public static String of(String text) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(normalize(text).getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is unavailable", e);
    }
  }
}
