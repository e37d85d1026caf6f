package dev.nerve.sdk.integration;

import dev.nerve.platform.grpc.TargetService;
import dev.nerve.platform.secrets.SecretBox;
import dev.nerve.platform.target.Target;
import dev.nerve.sdk.SdkProperties;
import dev.nerve.sdk.endpoint.EndpointRepository;
import dev.nerve.sdk.mcp.McpConnector;
import dev.nerve.sdk.mcp.McpSession;
import dev.nerve.sdk.mcp.McpTarget;
import dev.nerve.platform.outbound.GuardedHttpClient;
import dev.nerve.platform.outbound.OutboundGuard;
import dev.nerve.sdk.support.JsonSchemas;
import java.net.http.HttpClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/** Wires integrations: storage with sealed credentials, connectivity checks, key rotation, gRPC. */
@Configuration(proxyBeanMethods = false)
public class IntegrationConfiguration {

  @Bean
  McpConnector sdkMcpConnector(SdkProperties properties, OutboundGuard guard) {
    return new McpConnector(properties.extensions().mcpCommands(), guard,
        () -> HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).connectTimeout(properties.integrations().testTimeout()));
  }

  @Bean
  Integrations integrations(
      JdbcClient jdbc, JsonSchemas schemas, SecretBox box, TransactionTemplate tx, GuardedHttpClient http, McpConnector mcp,
      IntegrationTypes.ContributedTypes contributed, SdkProperties properties) {
    EndpointRepository endpoints = new EndpointRepository(jdbc);
    ConnectivityTester.McpCheck mcpCheck = (credentials, timeout) -> {
      List<String> args = new ArrayList<>();
      var argsValue = credentials.settings().getFieldsMap().get("args");
      if (argsValue != null && argsValue.hasListValue()) {
        argsValue.getListValue().getValuesList().forEach(v -> args.add(v.getStringValue()));
      }
      McpTarget target = new McpTarget(credentials.setting("command", ""), args, Map.of(), credentials.setting("url", ""));
      try (McpSession session = mcp.open(target, credentials.secret("token"), timeout)) {
        return session.tools().stream().map(tool -> tool.name()).toList();
      }
    };
    ConnectivityTester tester = new ConnectivityTester(http, new SmtpProbe(http.guard()), mcpCheck,
        properties.integrations().testTimeout());
    return new Integrations(new IntegrationRepository(jdbc), new IntegrationTypes(contributed), schemas, box, tx, tester,
        endpoints::namesUsing);
  }

  @Bean
  CredentialRotation credentialRotation(JdbcClient jdbc, SecretBox box) {
    return new CredentialRotation(new IntegrationRepository(jdbc), box);
  }

  /** Re-encrypts credentials once the schema is migrated, when a previous master key is set. */
  @Bean
  SmartInitializingSingleton credentialRotationOnStart(CredentialRotation rotation) {
    return rotation::run;
  }

  @Bean
  TargetService integrationService(Integrations integrations) {
    return new TargetService(Target.SDK, new IntegrationGrpcService(integrations));
  }
}
