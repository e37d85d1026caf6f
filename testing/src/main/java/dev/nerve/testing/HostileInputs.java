package dev.nerve.testing;

import com.google.protobuf.ListValue;
import com.google.protobuf.NullValue;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/**
 * Generators (jqwik) of what a hostile or careless client sends: strings with NUL, unpaired
 * surrogates, control and format characters, emoji, quotes and SQL/JSON/path metacharacters,
 * sometimes very long; numbers at and beyond every edge (NaN, infinities, 1e300, -0.0, the
 * integer limits); and JSON objects built from both. Fuzz tests of any surface draw from these,
 * so every surface is tested against the same corpus; none of them may ever produce a 5xx or
 * INTERNAL.
 */
public final class HostileInputs {

  private HostileInputs() {}

  /** Single characters that break naive storage, parsing or display. */
  public static Arbitrary<Character> nastyChars() {
    return Arbitraries.of(
        '\u0000', '\u0001', '\u001f', '\u007f', '\n', '\r', '\t', '\u0085', '\u00a0', '\u2028', '\u2029',
        '\u200b', '\u200e', '\u202e', '\ufeff', '\ufffe', '\uffff', '\ud800', '\udbff', '\udc00', '\udfff',
        '"', '\'', '\\', '/', '%', '&', '<', '>', '{', '}', '[', ']', ':', ';', ',', '$', '*', '?', '#',
        '@', '+', '=', '|', '`', '~', 'é', 'ß', '中', 'ア');
  }

  /** Strings mixing ordinary text with {@link #nastyChars()}, empty to a few thousand characters. */
  public static Arbitrary<String> strings() {
    Arbitrary<String> mixed =
        Arbitraries.strings()
            .withChars('a', 'Z', '0', ' ', '-', '_', '.')
            .withCharRange('\u0000', '\uffff')
            .ofMinLength(0)
            .ofMaxLength(64);
    Arbitrary<String> nasty = nastyChars().list().ofMaxSize(16).map(HostileInputs::join);
    Arbitrary<String> known =
        Arbitraries.of(
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
    Arbitrary<String> concatenated = Combinators.combine(mixed, nasty, mixed).as((a, b, c) -> a + b + c);
    return Arbitraries.frequencyOf(
        List.of(Tuple(3, known), Tuple(3, concatenated), Tuple(2, mixed), Tuple(2, nasty)));
  }

  /** Doubles at and beyond the edges. */
  public static Arbitrary<Double> numbers() {
    return Arbitraries.oneOf(
        Arbitraries.of(
            Double.NaN,
            Double.POSITIVE_INFINITY,
            Double.NEGATIVE_INFINITY,
            1e300,
            -1e300,
            Double.longBitsToDouble(0x7fefffffffffffffL) * 10, // overflows to infinity like 1e309
            -0.0,
            0.0,
            Double.MIN_VALUE,
            Double.MAX_VALUE,
            -Double.MAX_VALUE,
            9.223372036854776E18,
            1.0000000000000002,
            0.5),
        Arbitraries.doubles());
  }

  /** Longs at and beyond the edges. */
  public static Arbitrary<Long> longs() {
    return Arbitraries.oneOf(
        Arbitraries.of(Long.MIN_VALUE, Long.MAX_VALUE, -1L, 0L, 1L, 315_576_000_001L, -315_576_000_001L),
        Arbitraries.longs());
  }

  /** Ints at and beyond the edges. */
  public static Arbitrary<Integer> ints() {
    return Arbitraries.oneOf(
        Arbitraries.of(Integer.MIN_VALUE, Integer.MAX_VALUE, -1, 0, 1, 500, 501, 1_000_000_000),
        Arbitraries.integers());
  }

  /** JSON objects (protobuf Structs) with hostile keys and values, nested a few levels. */
  public static Arbitrary<Struct> structs() {
    return Arbitraries.lazyOf(() -> structOf(values(3)));
  }

  private static Arbitrary<Value> values(int depth) {
    Arbitrary<Value> leaves =
        Arbitraries.oneOf(
            strings().map(s -> Value.newBuilder().setStringValue(s).build()),
            numbers().map(n -> Value.newBuilder().setNumberValue(n).build()),
            Arbitraries.of(true, false).map(b -> Value.newBuilder().setBoolValue(b).build()),
            Arbitraries.just(Value.newBuilder().setNullValue(NullValue.NULL_VALUE).build()),
            Arbitraries.just(Value.getDefaultInstance()));
    if (depth == 0) {
      return leaves;
    }
    Arbitrary<Value> lists =
        values(depth - 1).list().ofMaxSize(4).map(l -> Value.newBuilder().setListValue(ListValue.newBuilder().addAllValues(l)).build());
    Arbitrary<Value> objects = structOf(values(depth - 1)).map(s -> Value.newBuilder().setStructValue(s).build());
    return Arbitraries.frequencyOf(List.of(Tuple(4, leaves), Tuple(1, lists), Tuple(1, objects)));
  }

  private static Arbitrary<Struct> structOf(Arbitrary<Value> values) {
    return Arbitraries.maps(strings().map(k -> k.length() > 80 ? k.substring(0, 80) : k), values)
        .ofMaxSize(4)
        .map(fields -> Struct.newBuilder().putAllFields(fields).build());
  }

  private static String join(List<Character> chars) {
    StringBuilder text = new StringBuilder();
    chars.forEach(text::append);
    return text.toString();
  }

  private static <T> net.jqwik.api.Tuple.Tuple2<Integer, Arbitrary<T>> Tuple(int weight, Arbitrary<T> arbitrary) {
    return net.jqwik.api.Tuple.of(weight, arbitrary);
  }
}
