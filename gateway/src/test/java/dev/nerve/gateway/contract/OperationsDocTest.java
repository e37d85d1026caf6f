package dev.nerve.gateway.contract;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nerve.gateway.graphql.RpcDirective;
import dev.nerve.gateway.rest.RestRoute;
import dev.nerve.gateway.security.GatewayOperations;
import dev.nerve.gateway.security.Operation;
import graphql.language.Document;
import graphql.language.FieldDefinition;
import graphql.language.ObjectTypeDefinition;
import graphql.language.ObjectTypeExtensionDefinition;
import graphql.parser.Parser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;

/**
 * Keeps {@code docs/operations.md} true: the reference of every public operation (permission,
 * rate-limit cost, audit, GraphQL field and REST route) is generated from the contracts, the
 * GraphQL schema files and {@link GatewayOperations}, and this test fails when the committed file
 * differs. To update it: {@code ./mvnw -pl gateway -am test -Dtest=OperationsDocTest
 * -Dsurefire.failIfNoSpecifiedTests=false -Dnerve.docs.update=true}.
 */
class OperationsDocTest {

  static final Path DOC = Path.of("..", "docs", "operations.md");

  @Test
  void theOperationsReferenceMatchesTheContracts() throws IOException {
    String expected = render();
    if (Boolean.getBoolean("nerve.docs.update")) {
      Files.writeString(DOC, expected, StandardCharsets.UTF_8);
    }
    assertThat(Files.readString(DOC, StandardCharsets.UTF_8))
        .as("docs/operations.md is stale; regenerate it as this test's Javadoc says")
        .isEqualTo(expected);
  }

  static String render() throws IOException {
    Contracts contracts = Contracts.load();
    Map<String, List<String>> graphQl = graphQlFields();
    StringBuilder out = new StringBuilder();
    out.append("# Operations\n\n")
        .append("Every public operation with what it requires and costs. Generated from the contracts (each RPC's\n")
        .append("`(nerve.common.v1.operation)` and `google.api.http` options), the GraphQL schema files (`@rpc`)\n")
        .append("and the gateway's own operations (`GatewayOperations`) by `OperationsDocTest`, which fails when\n")
        .append("this file is stale. Cost is in rate-limit units; audited operations are written to the audit log\n")
        .append("(docs/security.md). Permissions and roles: docs/security.md.\n");
    Map<String, List<Rpc>> bySystem = new TreeMap<>();
    contracts.rpcs().forEach(rpc -> bySystem.computeIfAbsent(rpc.target().id(), k -> new ArrayList<>()).add(rpc));
    for (Map.Entry<String, List<Rpc>> system : bySystem.entrySet()) {
      out.append("\n## ").append(system.getKey()).append("\n\n")
          .append("| RPC | Permission | Cost | Audited | GraphQL | REST |\n")
          .append("| --- | --- | --- | --- | --- | --- |\n");
      system.getValue().sort(Comparator.comparing(Rpc::fullName));
      for (Rpc rpc : system.getValue()) {
        List<String> rest = rpc.httpRules().stream().map(rule -> "`" + RestRoute.of(rpc, rule).key() + "`").toList();
        List<String> fields = graphQl.getOrDefault(rpc.fullName(), List.of()).stream().map(f -> "`" + f + "`").toList();
        out.append("| `").append(rpc.fullName()).append("` | `").append(rpc.operation().permission().id())
            .append("` | ").append(rpc.operation().cost())
            .append(" | ").append(rpc.operation().audit() ? "yes" : "no")
            .append(" | ").append(fields.isEmpty() ? "-" : String.join("<br>", fields))
            .append(" | ").append(rest.isEmpty() ? "-" : String.join("<br>", rest))
            .append(" |\n");
      }
    }
    out.append("\n## Gateway\n\n")
        .append("Served by the gateway itself (identity, audit, heartbeat, API documents). Namespace fields\n")
        .append("(`Query.memory`, `MemoryQuery.longTerm`, ...) need only a session and cost nothing.\n\n")
        .append("| Operation | Permission | Cost | Audited |\n| --- | --- | --- | --- |\n");
    Map<String, Operation> own = new LinkedHashMap<>(GatewayOperations.graphqlTable());
    own.putAll(GatewayOperations.restTable());
    own.forEach(
        (key, op) ->
            out.append("| `").append(key).append("` | `").append(op.permission().id()).append("` | ")
                .append(op.cost()).append(" | ").append(op.audit() ? "yes" : "no").append(" |\n"));
    return out.toString();
  }

  /** GraphQL coordinates by the RPC their {@code @rpc} names, from the schema files. */
  static Map<String, List<String>> graphQlFields() throws IOException {
    Map<String, List<String>> byRpc = new TreeMap<>();
    for (Resource file : new PathMatchingResourcePatternResolver().getResources("classpath*:graphql/*.graphqls")) {
      Document document = Parser.parse(file.getContentAsString(StandardCharsets.UTF_8));
      for (ObjectTypeDefinition type : document.getDefinitionsOfType(ObjectTypeDefinition.class)) {
        String name = type instanceof ObjectTypeExtensionDefinition ? type.getName() : type.getName();
        for (FieldDefinition field : type.getFieldDefinitions()) {
          field.getDirectives(RpcDirective.NAME).stream()
              .findFirst()
              .ifPresent(
                  d ->
                      byRpc.computeIfAbsent(
                              ((graphql.language.StringValue) d.getArgument("method").getValue()).getValue(),
                              k -> new ArrayList<>())
                          .add(name + "." + field.getName()));
        }
      }
    }
    return byRpc;
  }
}
