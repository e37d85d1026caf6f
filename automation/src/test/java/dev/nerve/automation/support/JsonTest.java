package dev.nerve.automation.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ListValue;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import com.google.protobuf.util.JsonFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class JsonTest {

  private static Struct sample() {
    return Json.fromPlain(Map.of(
            "text", "quote \" backslash \\ newline \n tab \t control \u0001 unicode é 漢 \uD83D\uDE00 <&>='",
            "numbers", List.of(0, -1, 1.5, 2.0, 1e21, 1e-7, -0.0, Long.MAX_VALUE, 123456789.125),
            "flags", List.of(true, false),
            "nested", Map.of("empty", Map.of(), "list", List.of(), "deep", Map.of("a", List.of(Map.of("b", "c")))),
            "nothing", Json.nullValue()))
        .getStructValue();
  }

  @Test
  void printsWhatProtobufJsonFormatReadsBackAsTheSameStruct() throws Exception {
    Struct struct = sample();
    Struct.Builder back = Struct.newBuilder();
    JsonFormat.parser().merge(Json.print(struct), back);
    assertThat(back.build()).isEqualTo(struct);
  }

  @Test
  void readsWhatProtobufJsonFormatPrints() throws Exception {
    Struct struct = sample();
    assertThat(Json.struct(JsonFormat.printer().print(struct))).isEqualTo(struct);
    assertThat(Json.value(JsonFormat.printer().print(Json.of(struct)))).isEqualTo(Json.of(struct));
  }

  @Test
  void randomValuesRoundTrip() {
    Random random = new Random(7);
    for (int i = 0; i < 500; i++) {
      Value value = randomValue(random, 0);
      assertThat(Json.value(Json.print(value))).isEqualTo(value);
      assertThat(Json.canonical(value)).isEqualTo(Json.canonical(Json.value(Json.print(value))));
    }
  }

  private static Value randomValue(Random random, int depth) {
    int kind = random.nextInt(depth > 3 ? 4 : 6);
    return switch (kind) {
      case 0 -> Json.of(random.nextInt(3) == 0 ? random.nextInt(1000) : random.nextGaussian() * 1e6);
      case 1 -> Json.of(new String(random.ints(random.nextInt(12), 0, 0x3000).mapToObj(Character::toChars)
          .map(String::new).reduce("", String::concat)));
      case 2 -> Json.of(random.nextBoolean());
      case 3 -> Json.nullValue();
      case 4 -> {
        Struct.Builder struct = Struct.newBuilder();
        for (int i = random.nextInt(4); i > 0; i--) {
          struct.putFields("k" + random.nextInt(100), randomValue(random, depth + 1));
        }
        yield Json.of(struct.build());
      }
      default -> {
        ListValue.Builder list = ListValue.newBuilder();
        for (int i = random.nextInt(4); i > 0; i--) {
          list.addValues(randomValue(random, depth + 1));
        }
        yield Value.newBuilder().setListValue(list).build();
      }
    };
  }

  @Test
  void refusesWhatIsNotTheKindAsked() {
    assertThatThrownBy(() -> Json.struct("[1]")).isInstanceOf(IllegalStateException.class).hasMessageContaining("not an object");
    assertThatThrownBy(() -> Json.struct("{\"a\": 1} x")).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> Json.value("{\"a\": ")).isInstanceOf(IllegalStateException.class);
    assertThat(Json.struct(null)).isEqualTo(Struct.getDefaultInstance());
    assertThat(Json.value(null)).isNull();
  }

  @Test
  void refusesNumbersJsonCannotHold() {
    assertThatThrownBy(() -> Json.print(Json.of(Double.NaN))).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Json.print(Json.of(Double.POSITIVE_INFINITY))).isInstanceOf(IllegalArgumentException.class);
  }
}
