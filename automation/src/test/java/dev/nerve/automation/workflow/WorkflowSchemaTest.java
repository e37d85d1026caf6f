package dev.nerve.automation.workflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nerve.api.automation.v1.Workflow;
import dev.nerve.automation.AutomationProperties;
import dev.nerve.automation.cel.CelEngine;
import dev.nerve.automation.cel.CelException;
import dev.nerve.automation.support.JsonSchemas;
import dev.nerve.platform.error.NerveException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The published definition schema, the reference's example, and CEL limits, without a database. */
class WorkflowSchemaTest {

  private static final AutomationProperties.Limits LIMITS =
      new AutomationProperties.Limits(200, 262144, 262144, 2048, 100_000, 1000, 1000);

  private static Path docs(String file) {
    Path here = Path.of("").toAbsolutePath();
    Path candidate = here.resolve("../docs").resolve(file).normalize();
    return Files.exists(candidate) ? candidate : here.resolve("docs").resolve(file);
  }

  @Test
  void theSchemaInDocsIsTheOneTheServiceServes() throws Exception {
    try (InputStream in = getClass().getClassLoader().getResourceAsStream(DefinitionReader.SCHEMA)) {
      assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8))
          .isEqualTo(Files.readString(docs("automation/workflow.schema.json")));
    }
  }

  @Test
  void theReferenceExampleIsAValidDefinition() throws Exception {
    String reference = Files.readString(docs("automation.md"));
    Matcher yaml = Pattern.compile("```yaml\\n(.*?)```", Pattern.DOTALL).matcher(reference);
    assertThat(yaml.find()).isTrue();
    Workflow workflow = new DefinitionReader(new JsonSchemas(), 262144).read(Workflow.getDefaultInstance(), yaml.group(1));
    assertThat(workflow.getStepsCount()).isEqualTo(5);
    assertThat(workflow.getSteps(2).getRetry().getMaxAttempts()).isEqualTo(5);
    assertThat(Flowchart.render(workflow)).contains("s1{").contains("s1 -- \"\\\"bug\\\"\" --> s2".replace("\\\"", "#quot;"))
        .contains("s2 -. on failure .-> s4");
  }

  @Test
  void schemaViolationsPointIntoTheDefinition() {
    DefinitionReader reader = new DefinitionReader(new JsonSchemas(), 262144);
    assertThatThrownBy(() -> reader.read(Workflow.getDefaultInstance(), "steps:\n  - id: a\n    wait: {duration: soon}\n"))
        .isInstanceOfSatisfying(NerveException.class, e ->
            assertThat(e.violations()).extracting("field").contains("definitionYaml.steps[0].wait.duration"));
    assertThatThrownBy(() -> reader.read(Workflow.getDefaultInstance(), "steps: [unclosed"))
        .isInstanceOfSatisfying(NerveException.class, e ->
            assertThat(e.violations()).extracting("rule").containsExactly("format"));
  }

  @Test
  void celRefusesWhatDoesNotCompileOrCostsTooMuchAndLimitsIterations() {
    CelEngine cel = new CelEngine(LIMITS);
    assertThat(cel.check("input.a > 1 && size(input.items) < 10")).isEmpty();
    assertThat(cel.check("input.a >")).get().asString().contains("does not compile");
    assertThat(cel.check("[1,2].map(x, [1,2].map(y, [1,2].map(z, x + y + z)))")).get().asString().contains("estimated cost");
    assertThat(cel.check("x".repeat(3000))).get().asString().contains("at most 2048");
    var sum = cel.compile("input.items.filter(x, x > 1.0).size()");
    assertThat(sum.evaluate(java.util.Map.of("input", dev.nerve.automation.support.Json.value("{\"items\": [1, 2, 3]}"))).getNumberValue())
        .isEqualTo(2);
    var endless = new CelEngine(new AutomationProperties.Limits(200, 262144, 262144, 2048, 100_000, 10, 1000))
        .compile("input.items.all(x, x > 0.0)");
    assertThatThrownBy(() -> endless.evaluate(java.util.Map.of("input",
        dev.nerve.automation.support.Json.value("{\"items\": [" + "1,".repeat(50) + "1]}"))))
        .isInstanceOf(CelException.class);
  }
}
