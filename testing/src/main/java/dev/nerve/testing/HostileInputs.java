package dev.nerve.testing;

import com.google.protobuf.ListValue;
import com.google.protobuf.NullValue;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import java.util.List;
import java.util.Random;

/**
 * What a hostile or careless client sends, drawn from a seeded {@link Random} so every run of a
 * fuzz test is reproducible: strings with NUL, unpaired surrogates, control and format characters,
 * emoji, quotes and SQL/JSON/path metacharacters, sometimes very long; numbers at and beyond every
 * edge (NaN, infinities, 1e300, -0.0, the integer limits); and JSON objects built from both. Fuzz
 * tests of any surface draw from these, so every surface meets the same corpus; none of them may
 * ever produce a 5xx or INTERNAL.
 */
public final class HostileInputs {

  private static final char[] NASTY = {
    '\u0000', '\u0001', '\u001f', '\u007f', '\n', '\r', '\t', '\u0085', '\u00a0', '\u2028', '\u2029',
    '\u200b', '\u200e', '\u202e', '\ufeff', '\ufffe', '\uffff', '\ud800', '\udbff', '\udc00', '\udfff',
    '"', '\'', '\\', '/', '%', '&', '<', '>', '{', '}', '[', ']', ':', ';', ',', '$', '*', '?', '#',
    '@', '+', '=', '|', '`', '~', 'é', 'ß', '中', 'ア'
  };

  private static final char[] PLAIN = {'a', 'Z', '0', ' ', '-', '_', '.'};

  private static final List<String> KNOWN =
      List.of(
          "",
          " ",
          "\u0000",
          "a\u0000b",
          "\ud800",
          "x\udc00y",
          "\ud83d\ude00",
          "'; DROP TABLE memory.context; --",
          "{\"$gt\":\"\"}",
          "../../etc/passwd",
          "%00",
          "%zz",
          "null",
          "NaN",
          "1e309",
          "\u202eevil",
          "a".repeat(5000));

  private static final double[] EDGE_NUMBERS = {
    Double.NaN,
    Double.POSITIVE_INFINITY,
    Double.NEGATIVE_INFINITY,
    1e300,
    -1e300,
    -0.0,
    0.0,
    Double.MIN_VALUE,
    Double.MAX_VALUE,
    -Double.MAX_VALUE,
    9.223372036854776E18,
    1.0000000000000002,
    0.5
  };

  private static final long[] EDGE_LONGS = {Long.MIN_VALUE, Long.MAX_VALUE, -1L, 0L, 1L, 315_576_000_001L, -315_576_000_001L};

  private static final int[] EDGE_INTS = {Integer.MIN_VALUE, Integer.MAX_VALUE, -1, 0, 1, 500, 501, 1_000_000_000};

  private HostileInputs() {}

  /** One character that breaks naive storage, parsing or display. */
  public static char nastyChar(Random random) {
    return NASTY[random.nextInt(NASTY.length)];
  }

  /**
   * A string: a known troublemaker (3 in 10), ordinary text around nasty characters (3 in 10),
   * text of any UTF-16 units (2 in 10) or nasty characters only (2 in 10).
   */
  public static String string(Random random) {
    int pick = random.nextInt(10);
    if (pick < 3) {
      return KNOWN.get(random.nextInt(KNOWN.size()));
    }
    if (pick < 6) {
      return mixed(random) + nasty(random) + mixed(random);
    }
    return pick < 8 ? mixed(random) : nasty(random);
  }

  /** A double at or beyond an edge half of the time, any bit pattern otherwise. */
  public static double number(Random random) {
    return random.nextBoolean()
        ? EDGE_NUMBERS[random.nextInt(EDGE_NUMBERS.length)]
        : Double.longBitsToDouble(random.nextLong());
  }

  /** A long at an edge half of the time, any long otherwise. */
  public static long longValue(Random random) {
    return random.nextBoolean() ? EDGE_LONGS[random.nextInt(EDGE_LONGS.length)] : random.nextLong();
  }

  /** An int at an edge half of the time, any int otherwise. */
  public static int intValue(Random random) {
    return random.nextBoolean() ? EDGE_INTS[random.nextInt(EDGE_INTS.length)] : random.nextInt();
  }

  /** A JSON object (protobuf Struct) with hostile keys and values, nested up to three levels. */
  public static Struct struct(Random random) {
    return struct(random, 3);
  }

  private static Struct struct(Random random, int depth) {
    Struct.Builder struct = Struct.newBuilder();
    int size = random.nextInt(5);
    for (int i = 0; i < size; i++) {
      String key = string(random);
      struct.putFields(key.length() > 80 ? key.substring(0, 80) : key, value(random, depth));
    }
    return struct.build();
  }

  private static Value value(Random random, int depth) {
    int pick = depth == 0 ? 0 : random.nextInt(6);
    if (pick == 4) {
      ListValue.Builder list = ListValue.newBuilder();
      int size = random.nextInt(5);
      for (int i = 0; i < size; i++) {
        list.addValues(value(random, depth - 1));
      }
      return Value.newBuilder().setListValue(list).build();
    }
    if (pick == 5) {
      return Value.newBuilder().setStructValue(struct(random, depth - 1)).build();
    }
    return switch (random.nextInt(5)) {
      case 0 -> Value.newBuilder().setStringValue(string(random)).build();
      case 1 -> Value.newBuilder().setNumberValue(number(random)).build();
      case 2 -> Value.newBuilder().setBoolValue(random.nextBoolean()).build();
      case 3 -> Value.newBuilder().setNullValue(NullValue.NULL_VALUE).build();
      default -> Value.getDefaultInstance();
    };
  }

  /** Up to 64 characters, each ordinary or any UTF-16 unit. */
  private static String mixed(Random random) {
    int length = random.nextInt(65);
    StringBuilder text = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      text.append(random.nextBoolean() ? PLAIN[random.nextInt(PLAIN.length)] : (char) random.nextInt(0x10000));
    }
    return text.toString();
  }

  /** Up to 16 nasty characters. */
  private static String nasty(Random random) {
    int length = random.nextInt(17);
    StringBuilder text = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      text.append(nastyChar(random));
    }
    return text.toString();
  }
}
