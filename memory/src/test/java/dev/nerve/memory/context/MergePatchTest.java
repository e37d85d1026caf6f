package dev.nerve.memory.context;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nerve.memory.support.Json;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The object cases of RFC 7386 appendix A (patches and targets are objects for contexts). */
class MergePatchTest {

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "{\"a\":\"b\"}                 | {\"a\":\"c\"}                 | {\"a\":\"c\"}",
        "{\"a\":\"b\"}                 | {\"b\":\"c\"}                 | {\"a\":\"b\",\"b\":\"c\"}",
        "{\"a\":\"b\"}                 | {\"a\":null}                  | {}",
        "{\"a\":\"b\",\"b\":\"c\"}     | {\"a\":null}                  | {\"b\":\"c\"}",
        "{\"a\":[\"b\"]}               | {\"a\":\"c\"}                 | {\"a\":\"c\"}",
        "{\"a\":\"c\"}                 | {\"a\":[\"b\"]}               | {\"a\":[\"b\"]}",
        "{\"a\":{\"b\":\"c\"}}         | {\"a\":{\"b\":\"d\",\"c\":null}} | {\"a\":{\"b\":\"d\"}}",
        "{\"a\":[{\"b\":\"c\"}]}       | {\"a\":[1]}                   | {\"a\":[1]}",
        "{\"e\":null}                  | {\"a\":1}                     | {\"e\":null,\"a\":1}",
        "{}                            | {\"a\":{\"bb\":{\"ccc\":null}}} | {\"a\":{\"bb\":{}}}",
        "{\"a\":\"foo\"}               | {\"a\":{\"b\":1}}             | {\"a\":{\"b\":1}}"
      })
  void appliesTheRfcExamples(String target, String patch, String expected) {
    assertThat(MergePatch.apply(Json.struct(target.trim()), Json.struct(patch.trim())))
        .isEqualTo(Json.struct(expected.trim()));
  }
}
