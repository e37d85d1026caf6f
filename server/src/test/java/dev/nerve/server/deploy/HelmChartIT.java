package dev.nerve.server.deploy;

import static dev.nerve.server.deploy.Manifests.JSON;
import static dev.nerve.server.deploy.Manifests.container;
import static dev.nerve.server.deploy.Manifests.env;
import static dev.nerve.server.deploy.Manifests.envValue;
import static dev.nerve.server.deploy.Manifests.name;
import static dev.nerve.server.deploy.Manifests.strings;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import com.marcnuri.helm.TemplateCommand;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The Helm chart {@code deploy/helm/nerve}, linted and rendered by Helm itself (helm-java bundles
 * the native Helm library, so neither a helm binary nor a cluster is needed). It renders the
 * example values in {@code ci/} (all-in-one, split, split in an Istio mesh) and
 * {@code values-production.yaml} as release "prod" in namespace "nerve-ns", and checks what a
 * deployment depends on: one Deployment per target with the right NERVE_TARGETS, gRPC addresses
 * that lead to a Service in front of that very target, introspection off, actuator probes,
 * hardened pods, secrets only by reference, shared secrets generated once and kept, and the mesh
 * objects exactly when the mesh is on.
 *
 * <p>helm-java renders with {@code lookup} talking to a cluster, so the failsafe configuration of
 * this module points KUBECONFIG at a file this test writes, for a {@link FakeKubernetesApi} on
 * loopback: the test never reaches a real cluster.
 */
class HelmChartIT {

  private static final String RELEASE = "prod";
  private static final String NAMESPACE = "nerve-ns";
  private static final String PREFIX = RELEASE + "-nerve";
  private static final List<String> TARGETS =
      List.of("gateway", "memory", "installation", "sdk", "automation", "learning");
  private static final List<String> SERVICE_TARGETS = TARGETS.subList(1, TARGETS.size());
  private static final List<String> MESH_KINDS =
      List.of("PeerAuthentication", "DestinationRule", "VirtualService", "AuthorizationPolicy");
  /** dns:///<service>.<namespace>.svc.cluster.local:<port> */
  private static final Pattern ADDRESS = Pattern.compile("dns:///([a-z0-9-]+)\\.([a-z0-9-]+)\\.svc\\.cluster\\.local:(\\d+)");
  /** Environment variables whose value is a credential and so must come from a Secret. */
  private static final Pattern SECRET_VARIABLE = Pattern.compile(".*(PASSWORD|SECRET|MASTER_KEY|API_KEY).*");

  private static Path chart;
  private static FakeKubernetesApi kubernetes;

  @TempDir Path temp;

  @BeforeAll
  static void startFakeCluster() throws IOException {
    chart = locateChart();
    // Only ever write the kubeconfig the build set up for this test, never one a developer uses.
    String kubeconfig = System.getenv("KUBECONFIG");
    assertThat(kubeconfig)
        .as("KUBECONFIG must be the test kubeconfig set by the server module's failsafe configuration"
            + " (run this test through Maven)")
        .isNotBlank()
        .isEqualTo(System.getProperty("nerve.test.kubeconfig"));
    kubernetes = FakeKubernetesApi.start();
    kubernetes.writeKubeconfig(Path.of(kubeconfig));
  }

  @AfterAll
  static void stopFakeCluster() {
    if (kubernetes != null) {
      kubernetes.close();
    }
  }

  @AfterEach
  void forgetClusterState() {
    kubernetes.reset();
  }

  // ------------------------------------------------------------------------------------------
  // helm lint
  // ------------------------------------------------------------------------------------------

  static Stream<Arguments> lintedValues() {
    return Stream.of(
        Arguments.of("values.yaml"),
        Arguments.of("ci/all-in-one-values.yaml"),
        Arguments.of("ci/split-values.yaml"),
        Arguments.of("ci/mesh-values.yaml"),
        Arguments.of("values-production.yaml"));
  }

  /**
   * helm lint --strict (warnings fail too, values checked against values.schema.json) over a copy
   * of the chart whose values.yaml is the defaults merged with each example, because lint reads
   * only the chart's own values. (Lint reports the chart's own `fail` checks only in its log, so
   * {@link #unusableValuesAreRefusedWithAHint} covers those through rendering.)
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("lintedValues")
  void lintPassesStrict(String valuesFile) throws IOException {
    Path copy = copyChartWithValues(valuesFile);

    LintResult lint = new Helm(copy).lint().strict().call();

    assertThat(lint.isFailed()).as(String.join("\n", lint.getMessages())).isFalse();
    assertThat(lint.getMessages()).noneMatch(message -> message.contains("[WARNING]") || message.contains("[ERROR]"));
  }

  // ------------------------------------------------------------------------------------------
  // Modes
  // ------------------------------------------------------------------------------------------

  @Test
  void allInOneRunsEveryTargetInOneDeployment() throws IOException {
    Manifests manifests = render("ci/all-in-one-values.yaml", Map.of());

    assertThat(manifests.names("Deployment")).containsExactly(PREFIX);
    JsonNode deployment = manifests.get("Deployment", PREFIX);
    assertThat(envValue(deployment, "NERVE_TARGETS")).isEqualTo("all");
    assertThat(env(deployment).keySet()).noneMatch(variable -> variable.startsWith("NERVE_SERVICES_"));
    assertThat(deployment.path("spec").path("replicas").asInt()).isEqualTo(2);
    assertThat(containerPorts(deployment)).containsEntry("http", 8080).containsEntry("grpc", 9090);

    JsonNode service = manifests.get("Service", PREFIX);
    assertThat(servicePorts(service).keySet()).containsExactly("http", "grpc");
    assertThat(manifests.deploymentsSelectedBy(strings(service.path("spec").path("selector"))))
        .containsExactly(deployment);
    assertThat(envValue(deployment, "NERVE_DATABASE_URL")).isEqualTo("jdbc:postgresql://postgres.db.svc:5432/nerve");
    assertThat(envValue(deployment, "NERVE_REDIS_URL")).isEqualTo("redis://redis-master.cache.svc:6379/0");
    assertThat(envValue(deployment, "NERVE_LOG_FORMAT")).isEqualTo("json");
    assertThat(envValue(deployment, "NERVE_DATA_DIR")).isEqualTo("/var/lib/nerve");
    assertCommonInvariants(manifests);
  }

  @Test
  void splitRunsOneDeploymentAndServicePerTarget() throws IOException {
    Manifests manifests = render("ci/split-values.yaml", Map.of());

    List<String> expected = TARGETS.stream().map(target -> PREFIX + "-" + target).toList();
    assertThat(manifests.names("Deployment")).containsExactlyElementsOf(expected);
    assertThat(manifests.names("Service")).containsExactlyElementsOf(expected);
    for (String target : TARGETS) {
      JsonNode deployment = manifests.get("Deployment", PREFIX + "-" + target);
      assertThat(envValue(deployment, "NERVE_TARGETS")).as(target).isEqualTo(target);
      assertThat(deployment.path("metadata").path("labels").path("app.kubernetes.io/component").asString())
          .isEqualTo(target);
      JsonNode service = manifests.get("Service", PREFIX + "-" + target);
      assertThat(manifests.deploymentsSelectedBy(strings(service.path("spec").path("selector"))))
          .as("Service %s selects exactly its target's pods", name(service))
          .containsExactly(deployment);
    }

    // The gateway is the public HTTP entry (port 80 of its Service); like every service target it
    // also serves gRPC, for the internal identity provisioning contract installation's setup calls.
    JsonNode gateway = manifests.get("Deployment", PREFIX + "-gateway");
    assertThat(containerPorts(gateway)).containsOnlyKeys("http", "grpc");
    assertThat(servicePorts(manifests.get("Service", PREFIX + "-gateway"))).containsOnlyKeys("http", "grpc");
    assertThat(manifests.get("Service", PREFIX + "-gateway").path("spec").path("ports").get(0).path("port").asInt())
        .isEqualTo(80);
    for (String target : TARGETS) {
      assertThat(containerPorts(manifests.get("Deployment", PREFIX + "-" + target))).containsEntry("grpc", 9090);
      JsonNode grpc = servicePort(manifests.get("Service", PREFIX + "-" + target), "grpc");
      assertThat(grpc.path("port").asInt()).isEqualTo(9090);
      assertThat(grpc.path("targetPort").asString()).isEqualTo("grpc");
      assertThat(grpc.path("appProtocol").asString()).isEqualTo("grpc");
    }

    // Autoscaled memory: an HPA for it alone, and its Deployment leaves replicas to the HPA.
    assertThat(manifests.names("HorizontalPodAutoscaler")).containsExactly(PREFIX + "-memory");
    JsonNode hpa = manifests.get("HorizontalPodAutoscaler", PREFIX + "-memory");
    assertThat(hpa.path("spec").path("scaleTargetRef").path("kind").asString()).isEqualTo("Deployment");
    assertThat(hpa.path("spec").path("scaleTargetRef").path("name").asString()).isEqualTo(PREFIX + "-memory");
    assertThat(manifests.get("Deployment", PREFIX + "-memory").path("spec").has("replicas")).isFalse();
    assertThat(manifests.get("Deployment", PREFIX + "-sdk").path("spec").path("replicas").asInt()).isEqualTo(2);

    // The Ingress leads to the gateway Service's HTTP port.
    JsonNode backend =
        manifests.get("Ingress", PREFIX + "-gateway").path("spec").path("rules").get(0).path("http").path("paths").get(0)
            .path("backend").path("service");
    assertThat(backend.path("name").asString()).isEqualTo(PREFIX + "-gateway");
    assertThat(backend.path("port").path("name").asString()).isEqualTo("http");
    assertCommonInvariants(manifests);
  }

  /**
   * Every NERVE_SERVICES_<TARGET>_ADDRESS must name a Service of this release, in its namespace,
   * on its gRPC port, whose selector picks exactly the pods that run that target and open that
   * port; and each process must know every service target except its own.
   */
  @ParameterizedTest
  @ValueSource(strings = {"ci/split-values.yaml", "ci/mesh-values.yaml", "values-production.yaml"})
  void everyServiceAddressLeadsToThePodsOfThatTarget(String valuesFile) throws IOException {
    Manifests manifests = render(valuesFile, Map.of());
    Pattern variable = Pattern.compile("NERVE_SERVICES_([A-Z]+)_ADDRESS");

    for (JsonNode deployment : manifests.ofKind("Deployment")) {
      String own = envValue(deployment, "NERVE_TARGETS");
      Set<String> addressed = new TreeSet<>();
      for (Map.Entry<String, JsonNode> entry : env(deployment).entrySet()) {
        Matcher matcher = variable.matcher(entry.getKey());
        if (!matcher.matches()) {
          continue;
        }
        String target = matcher.group(1).toLowerCase(java.util.Locale.ROOT);
        addressed.add(target);
        Matcher address = ADDRESS.matcher(entry.getValue().path("value").asString());
        assertThat(address.matches()).as("%s=%s", entry.getKey(), entry.getValue()).isTrue();
        assertThat(address.group(2)).isEqualTo(NAMESPACE);
        JsonNode service = manifests.get("Service", address.group(1));
        JsonNode port = servicePort(service, "grpc");
        assertThat(port.path("port").asInt()).isEqualTo(Integer.parseInt(address.group(3)));
        List<JsonNode> backends = manifests.deploymentsSelectedBy(strings(service.path("spec").path("selector")));
        assertThat(backends).as("pods behind %s", address.group(1)).hasSize(1);
        assertThat(envValue(backends.get(0), "NERVE_TARGETS")).isEqualTo(target);
        assertThat(containerPorts(backends.get(0))).containsEntry("grpc", 9090);
      }
      Set<String> expected = new TreeSet<>(TARGETS);
      expected.remove(own);
      assertThat(addressed).as("addresses known to %s", own).isEqualTo(expected);
      assertThat(name(deployment)).isEqualTo(PREFIX + "-" + own);
    }
  }

  @Test
  void graphqlIntrospectionIsOffByDefaultAndOnlyOnTheGateway() throws IOException {
    // The chart's own defaults, not just the examples.
    JsonNode defaults = readYaml(chart.resolve("values.yaml"));
    assertThat(defaults.path("graphql").path("introspection").isBoolean()).isTrue();
    assertThat(defaults.path("graphql").path("introspection").asBoolean()).isFalse();

    Manifests allInOne = render("ci/all-in-one-values.yaml", Map.of());
    assertThat(envValue(allInOne.get("Deployment", PREFIX), "NERVE_GRAPHQL_INTROSPECTION")).isEqualTo("false");

    Manifests split = render("ci/split-values.yaml", Map.of());
    assertThat(envValue(split.get("Deployment", PREFIX + "-gateway"), "NERVE_GRAPHQL_INTROSPECTION")).isEqualTo("false");
    for (String target : SERVICE_TARGETS) {
      assertThat(env(split.get("Deployment", PREFIX + "-" + target)))
          .as(target)
          .doesNotContainKeys("NERVE_GRAPHQL_INTROSPECTION", "NERVE_CORS_ORIGINS", "NERVE_BOOTSTRAP_ADMIN_PASSWORD");
    }

    // The value is wired, not hard-coded.
    Manifests on = render("ci/split-values.yaml", Map.of("graphql", Map.of("introspection", true)));
    assertThat(envValue(on.get("Deployment", PREFIX + "-gateway"), "NERVE_GRAPHQL_INTROSPECTION")).isEqualTo("true");
  }

  // ------------------------------------------------------------------------------------------
  // Pods
  // ------------------------------------------------------------------------------------------

  @ParameterizedTest
  @ValueSource(strings = {"ci/all-in-one-values.yaml", "ci/split-values.yaml", "ci/mesh-values.yaml"})
  void podsAreHardenedAndProbedOnActuator(String valuesFile) throws IOException {
    Manifests manifests = render(valuesFile, Map.of());
    assertThat(manifests.ofKind("Deployment")).isNotEmpty();

    String serviceAccount = null;
    for (JsonNode deployment : manifests.ofKind("Deployment")) {
      String as = name(deployment);
      JsonNode pod = deployment.path("spec").path("template").path("spec");
      JsonNode container = container(deployment);

      assertThat(pod.path("automountServiceAccountToken").asBoolean(true)).as(as).isFalse();
      assertThat(pod.path("enableServiceLinks").asBoolean(true)).as(as).isFalse();
      assertThat(pod.path("securityContext").path("runAsNonRoot").asBoolean()).as(as).isTrue();
      assertThat(pod.path("securityContext").path("runAsUser").asInt()).as(as).isEqualTo(10001);
      assertThat(pod.path("securityContext").path("seccompProfile").path("type").asString()).as(as).isEqualTo("RuntimeDefault");
      JsonNode security = container.path("securityContext");
      assertThat(security.path("readOnlyRootFilesystem").asBoolean()).as(as).isTrue();
      assertThat(security.path("allowPrivilegeEscalation").asBoolean(true)).as(as).isFalse();
      assertThat(security.path("runAsNonRoot").asBoolean()).as(as).isTrue();
      assertThat(security.path("capabilities").path("drop").toString()).as(as).isEqualTo("[\"ALL\"]");

      // Writable places on the read-only root: /tmp and the data dir, each an emptyDir.
      Map<String, String> mounts = new LinkedHashMap<>();
      for (JsonNode mount : container.path("volumeMounts")) {
        mounts.put(mount.path("mountPath").asString(), mount.path("name").asString());
      }
      assertThat(mounts).containsOnlyKeys("/tmp", "/var/lib/nerve");
      for (JsonNode volume : pod.path("volumes")) {
        assertThat(volume.has("emptyDir")).as("volume %s of %s", volume.path("name").asString(), as).isTrue();
      }
      assertThat(envValue(deployment, "NERVE_DATA_DIR")).isEqualTo("/var/lib/nerve");

      // Probes: actuator health groups on the HTTP port (the management port is the server port).
      assertThat(containerPorts(deployment)).containsEntry("http", 8080);
      assertProbe(container, "livenessProbe", "/actuator/health/liveness");
      assertProbe(container, "readinessProbe", "/actuator/health/readiness");
      assertProbe(container, "startupProbe", "/actuator/health/liveness");
      assertThat(envValue(deployment, "NERVE_HTTP_PORT")).isEqualTo("8080");
      // gRPC binds to loopback unless told otherwise; in a pod it must accept the other targets.
      assertThat(envValue(deployment, "NERVE_GRPC_ADDRESS")).isEqualTo("0.0.0.0");

      // Graceful shutdown fits: preStop sleep + Spring's 30 s shutdown phase < grace period.
      int preStop = Integer.parseInt(container.path("lifecycle").path("preStop").path("exec").path("command").get(1).asString());
      assertThat(pod.path("terminationGracePeriodSeconds").asInt()).as(as).isGreaterThan(preStop + 30);

      // Every pod runs as the release's ServiceAccount, which mounts no token either.
      String account = pod.path("serviceAccountName").asString();
      assertThat(serviceAccount == null || serviceAccount.equals(account)).as(as).isTrue();
      serviceAccount = account;
    }
    JsonNode account = manifests.get("ServiceAccount", serviceAccount);
    assertThat(account.path("automountServiceAccountToken").asBoolean(true)).isFalse();
    assertThat(serviceAccount).isEqualTo(PREFIX);

    // One PodDisruptionBudget and one NetworkPolicy per Deployment, selecting exactly its pods.
    for (String kind : List.of("PodDisruptionBudget", "NetworkPolicy")) {
      assertThat(manifests.names(kind)).as(kind).containsExactlyElementsOf(manifests.names("Deployment"));
      for (JsonNode object : manifests.ofKind(kind)) {
        JsonNode selector =
            kind.equals("NetworkPolicy") ? object.path("spec").path("podSelector") : object.path("spec").path("selector");
        assertThat(manifests.deploymentsSelectedBy(strings(selector.path("matchLabels"))))
            .containsExactly(manifests.get("Deployment", name(object)));
      }
    }
    assertCommonInvariants(manifests);
  }

  /**
   * Only the public HTTP port of the gateway (or the all-in-one pod) is open to everyone; gRPC
   * ports and the service targets' actuator port only to this release's pods (and scrapers).
   */
  @Test
  void networkPoliciesOpenOnlyTheGatewayToEveryone() throws IOException {
    Manifests manifests = render("ci/split-values.yaml", Map.of());
    Map<String, String> releasePods =
        Map.of("app.kubernetes.io/name", "nerve", "app.kubernetes.io/instance", RELEASE);

    for (JsonNode policy : manifests.ofKind("NetworkPolicy")) {
      boolean gateway = name(policy).equals(PREFIX + "-gateway");
      assertThat(policy.path("spec").path("policyTypes").toString()).isEqualTo("[\"Ingress\"]");
      for (JsonNode rule : policy.path("spec").path("ingress")) {
        String port = rule.path("ports").get(0).path("port").asString();
        if (gateway && port.equals("http")) {
          assertThat(rule.has("from")).as("gateway HTTP is public").isFalse();
          continue;
        }
        assertThat(rule.path("from").size()).as("%s port %s", name(policy), port).isPositive();
        if (port.equals("grpc")) {
          assertThat(rule.path("from").size()).isEqualTo(1);
          assertThat(strings(rule.path("from").get(0).path("podSelector").path("matchLabels"))).isEqualTo(releasePods);
        }
      }
    }
    JsonNode gatewayPolicy = manifests.get("NetworkPolicy", PREFIX + "-gateway");
    // Public HTTP, and gRPC (the provisioning contract) from this release's pods only.
    assertThat(gatewayPolicy.path("spec").path("ingress").size()).isEqualTo(2);
    assertThat(gatewayPolicy.path("spec").path("ingress").toString()).contains("\"grpc\"");
    JsonNode memoryPolicy = manifests.get("NetworkPolicy", PREFIX + "-memory");
    assertThat(memoryPolicy.path("spec").path("ingress").toString()).contains("\"grpc\"").contains("\"http\"");
  }

  // ------------------------------------------------------------------------------------------
  // Secrets
  // ------------------------------------------------------------------------------------------

  /** Credentials given as values end up in the chart's Secret and reach pods only by reference. */
  @Test
  void credentialsReachPodsOnlyThroughSecretKeyRefs() throws IOException {
    String databasePassword = "Db-Password-4f1c9e";
    String redisUrl = "redis://:Redis-Password-77aa@redis.cache.svc:6379/0";
    String adminPassword = "Admin-Password-3b2d";
    String internalSecret = "internal-secret-0123456789-abcdefghijklmnop";
    String masterKey = Base64.getEncoder().encodeToString("0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.UTF_8));
    Map<String, Object> values =
        Map.of(
            "database", Map.of("existingSecret", "", "password", databasePassword),
            "redis", Map.of("url", redisUrl),
            "bootstrapAdmin", Map.of("username", "admin", "password", adminPassword),
            "secrets", Map.of("internalSecret", internalSecret, "masterKey", masterKey));

    for (String valuesFile : List.of("ci/all-in-one-values.yaml", "ci/split-values.yaml")) {
      Manifests manifests = render(valuesFile, values);
      JsonNode secret = manifests.get("Secret", PREFIX);
      Map<String, String> expected =
          Map.of(
              "NERVE_DATABASE_PASSWORD", databasePassword,
              "NERVE_REDIS_URL", redisUrl,
              "NERVE_INTERNAL_SECRET", internalSecret,
              "NERVE_MASTER_KEY", masterKey);

      for (JsonNode deployment : manifests.ofKind("Deployment")) {
        String text = deployment.toString();
        for (String literal : List.of(databasePassword, "Redis-Password-77aa", adminPassword, internalSecret, masterKey)) {
          assertThat(text).as("%s contains a credential", name(deployment)).doesNotContain(literal);
        }
        for (Map.Entry<String, String> variable : expected.entrySet()) {
          assertThat(secretValue(manifests, deployment, variable.getKey())).as(variable.getKey()).isEqualTo(variable.getValue());
        }
        if (envValue(deployment, "NERVE_TARGETS").matches("all|gateway")) {
          assertThat(secretValue(manifests, deployment, "NERVE_BOOTSTRAP_ADMIN_PASSWORD")).isEqualTo(adminPassword);
          assertThat(envValue(deployment, "NERVE_BOOTSTRAP_ADMIN_USERNAME")).isEqualTo("admin");
        } else {
          assertThat(env(deployment)).doesNotContainKey("NERVE_BOOTSTRAP_ADMIN_PASSWORD");
        }
      }
      assertThat(strings(secret.path("data")).keySet())
          .containsExactlyInAnyOrder("internal-secret", "master-key", "database-password", "redis-url", "bootstrap-admin-password");
      assertCommonInvariants(manifests);
    }
  }

  /**
   * Without given values the chart generates the internal secret (48 characters) and the master
   * key (base64 of 32 random bytes) once, shares them with every process through one Secret, and
   * on an upgrade reads the existing Secret back instead of generating new ones.
   */
  @Test
  void sharedSecretsAreGeneratedOnceAndKeptOnUpgrade() throws IOException {
    Manifests first = render("ci/split-values.yaml", Map.of());
    Map<String, String> generated = decodedData(first.get("Secret", PREFIX));
    assertThat(generated.get("internal-secret")).hasSize(48);
    assertThat(Base64.getDecoder().decode(generated.get("master-key"))).hasSize(32);
    assertThat(first.get("Secret", PREFIX).path("metadata").path("annotations").path("helm.sh/resource-policy").asString())
        .isEqualTo("keep");
    for (JsonNode deployment : first.ofKind("Deployment")) {
      for (String variable : List.of("NERVE_INTERNAL_SECRET", "NERVE_MASTER_KEY")) {
        JsonNode ref = env(deployment).get(variable).path("valueFrom").path("secretKeyRef");
        assertThat(ref.path("name").asString()).as("%s of %s", variable, name(deployment)).isEqualTo(PREFIX);
      }
    }
    assertThat(kubernetes.requests()).contains("GET /api/v1/namespaces/" + NAMESPACE + "/secrets/" + PREFIX);

    // A fresh install generates different ones (random, not a constant in the chart) ...
    Map<String, String> other = decodedData(render("ci/split-values.yaml", Map.of()).get("Secret", PREFIX));
    assertThat(other.get("internal-secret")).isNotEqualTo(generated.get("internal-secret"));
    assertThat(other.get("master-key")).isNotEqualTo(generated.get("master-key"));

    // ... while an upgrade, with the Secret in the cluster, keeps what is there.
    kubernetes.putSecret(NAMESPACE, PREFIX, generated);
    Map<String, String> upgraded = decodedData(render("ci/split-values.yaml", Map.of()).get("Secret", PREFIX));
    assertThat(upgraded).isEqualTo(generated);
  }

  @Test
  void existingSecretsReplaceTheChartSecret() throws IOException {
    Manifests manifests =
        render(
            "ci/split-values.yaml",
            Map.of(
                "secrets", Map.of("existingSecret", "nerve-shared"),
                "redis", Map.of("url", "", "existingSecret", "nerve-redis"),
                "bootstrapAdmin", Map.of("existingSecret", "nerve-admin")));

    assertThat(manifests.ofKind("Secret")).isEmpty();
    for (JsonNode deployment : manifests.ofKind("Deployment")) {
      assertThat(secretRef(deployment, "NERVE_INTERNAL_SECRET")).isEqualTo("nerve-shared/internal-secret");
      assertThat(secretRef(deployment, "NERVE_MASTER_KEY")).isEqualTo("nerve-shared/master-key");
      assertThat(secretRef(deployment, "NERVE_DATABASE_PASSWORD")).isEqualTo("nerve-postgres/password");
      assertThat(secretRef(deployment, "NERVE_REDIS_URL")).isEqualTo("nerve-redis/redis-url");
    }
    JsonNode gateway = manifests.get("Deployment", PREFIX + "-gateway");
    assertThat(secretRef(gateway, "NERVE_BOOTSTRAP_ADMIN_USERNAME")).isEqualTo("nerve-admin/username");
    assertThat(secretRef(gateway, "NERVE_BOOTSTRAP_ADMIN_PASSWORD")).isEqualTo("nerve-admin/password");
    assertThat(kubernetes.requests()).noneMatch(request -> request.contains("/secrets/"));
    assertCommonInvariants(manifests);
  }

  // ------------------------------------------------------------------------------------------
  // Service mesh
  // ------------------------------------------------------------------------------------------

  @Test
  void meshObjectsExistOnlyWhenTheMeshIsEnabled() throws IOException {
    for (String valuesFile : List.of("ci/all-in-one-values.yaml", "ci/split-values.yaml", "values-production.yaml")) {
      Manifests manifests = render(valuesFile, Map.of());
      for (String kind : MESH_KINDS) {
        assertThat(manifests.ofKind(kind)).as("%s in %s", kind, valuesFile).isEmpty();
      }
      assertThat(manifests.text()).doesNotContain("sidecar.istio.io").doesNotContain("istio.io/rev");
    }
  }

  @Test
  void meshSecuresAndRoutesEveryTarget() throws IOException {
    Manifests manifests = render("ci/mesh-values.yaml", Map.of());
    List<String> deployments = manifests.names("Deployment");
    // Every workload serves gRPC, the gateway included (its internal provisioning contract).
    List<String> services = TARGETS.stream().map(target -> PREFIX + "-" + target).toList();
    String gatewayHost = PREFIX + "-gateway." + NAMESPACE + ".svc.cluster.local";

    // Sidecars in every pod, started before Nerve.
    for (JsonNode deployment : manifests.ofKind("Deployment")) {
      JsonNode template = deployment.path("spec").path("template").path("metadata");
      assertThat(template.path("labels").path("sidecar.istio.io/inject").asString()).isEqualTo("true");
      assertThat(template.path("annotations").path("proxy.istio.io/config").asString()).contains("holdApplicationUntilProxyStarts");
    }

    // STRICT mutual TLS for every Deployment's pods.
    assertThat(manifests.names("PeerAuthentication")).containsExactlyElementsOf(deployments);
    for (JsonNode policy : manifests.ofKind("PeerAuthentication")) {
      assertThat(policy.path("spec").path("mtls").path("mode").asString()).isEqualTo("STRICT");
      assertThat(manifests.deploymentsSelectedBy(strings(policy.path("spec").path("selector").path("matchLabels"))))
          .containsExactly(manifests.get("Deployment", name(policy)));
    }

    // A DestinationRule per gRPC Service: its host is that Service, mTLS, HTTP/2 pool, outlier detection.
    assertThat(manifests.names("DestinationRule")).containsExactlyElementsOf(services);
    for (JsonNode rule : manifests.ofKind("DestinationRule")) {
      JsonNode service = manifests.get("Service", name(rule));
      assertThat(rule.path("spec").path("host").asString())
          .isEqualTo(name(service) + "." + NAMESPACE + ".svc.cluster.local");
      JsonNode policy = rule.path("spec").path("trafficPolicy");
      assertThat(policy.path("tls").path("mode").asString()).isEqualTo("ISTIO_MUTUAL");
      assertThat(policy.path("outlierDetection").path("consecutive5xxErrors").asInt()).isPositive();
      JsonNode grpcPort = policy.path("portLevelSettings").get(0);
      assertThat(grpcPort.path("port").path("number").asInt()).isEqualTo(servicePort(service, "grpc").path("port").asInt());
      assertThat(grpcPort.path("connectionPool").path("http").path("h2UpgradePolicy").asString()).isEqualTo("UPGRADE");
    }

    // The gateway's VirtualService: WebSocket first without timeout, then HTTP with retries.
    assertThat(manifests.names("VirtualService")).containsExactly(PREFIX + "-gateway");
    JsonNode virtualService = manifests.get("VirtualService", PREFIX + "-gateway").path("spec");
    assertThat(virtualService.path("hosts").toString()).isEqualTo("[\"nerve.example.com\"]");
    assertThat(virtualService.path("gateways").toString()).isEqualTo("[\"istio-ingress/public\"]");
    int gatewayPort = servicePort(manifests.get("Service", PREFIX + "-gateway"), "http").path("port").asInt();
    for (JsonNode route : virtualService.path("http")) {
      JsonNode destination = route.path("route").get(0).path("destination");
      assertThat(destination.path("host").asString()).isEqualTo(gatewayHost);
      assertThat(destination.path("port").path("number").asInt()).isEqualTo(gatewayPort);
    }
    JsonNode websocket = virtualService.path("http").get(0);
    assertThat(websocket.path("match").get(0).path("headers").path("upgrade").path("exact").asString()).isEqualTo("websocket");
    assertThat(websocket.path("timeout").asString()).isEqualTo("0s");
    assertThat(websocket.has("retries")).isFalse();
    assertThat(virtualService.path("http").get(1).path("retries").path("attempts").asInt()).isPositive();

    // Only Nerve's ServiceAccount may call the targets' gRPC; the gateway's HTTP port stays public.
    String account = manifests.get("Deployment", PREFIX + "-memory").path("spec").path("template").path("spec")
        .path("serviceAccountName").asString();
    manifests.get("ServiceAccount", account);
    assertThat(manifests.names("AuthorizationPolicy")).containsExactlyElementsOf(services);
    for (JsonNode policy : manifests.ofKind("AuthorizationPolicy")) {
      assertThat(policy.path("spec").path("action").asString()).isEqualTo("ALLOW");
      JsonNode rules = policy.path("spec").path("rules");
      boolean gateway = name(policy).equals(PREFIX + "-gateway");
      assertThat(rules.size()).isEqualTo(gateway ? 2 : 1);
      if (gateway) {
        assertThat(rules.get(1).toString()).isEqualTo("{\"to\":[{\"operation\":{\"ports\":[\"8080\"]}}]}");
      }
      assertThat(rules.get(0).path("from").get(0).path("source").path("principals").toString())
          .isEqualTo("[\"cluster.local/ns/" + NAMESPACE + "/sa/" + account + "\"]");
      assertThat(manifests.deploymentsSelectedBy(strings(policy.path("spec").path("selector").path("matchLabels"))))
          .containsExactly(manifests.get("Deployment", name(policy)));
    }

    // The mesh's metrics port is open to the scrapers the values name.
    assertThat(manifests.get("NetworkPolicy", PREFIX + "-memory").path("spec").path("ingress").toString()).contains("15020");
    assertCommonInvariants(manifests);
  }

  @Test
  void meshInAllInOneModeKeepsTheHttpSurfacePublic() throws IOException {
    Manifests manifests = render("ci/all-in-one-values.yaml", Map.of("mesh", Map.of("enabled", true)));

    assertThat(manifests.names("DestinationRule")).containsExactly(PREFIX);
    assertThat(manifests.names("VirtualService")).containsExactly(PREFIX);
    JsonNode rules = manifests.get("AuthorizationPolicy", PREFIX).path("spec").path("rules");
    assertThat(rules.toString()).contains("\"ports\":[\"8080\"]");
    // Default VirtualService host: the Service itself, inside the mesh.
    assertThat(manifests.get("VirtualService", PREFIX).path("spec").path("hosts").toString())
        .isEqualTo("[\"" + PREFIX + "." + NAMESPACE + ".svc.cluster.local\"]");
  }

  // ------------------------------------------------------------------------------------------
  // Refused values
  // ------------------------------------------------------------------------------------------

  static Stream<Arguments> refusedValues() {
    return Stream.of(
        Arguments.of("values.yaml", Map.of(), "database.url is required"),
        Arguments.of("ci/all-in-one-values.yaml", Map.of("redis", Map.of("url", "")), "redis.url (or redis.existingSecret) is required"),
        Arguments.of("ci/split-values.yaml", Map.of("embedded", Map.of("enabled", true)), "embedded.enabled only works in mode all-in-one"),
        Arguments.of("ci/all-in-one-values.yaml", Map.of("embedded", Map.of("enabled", true)), "set allInOne.replicas=1"),
        Arguments.of("ci/all-in-one-values.yaml", Map.of("secrets", Map.of("masterKey", "c2hvcnQ=")), "exactly 32 bytes"),
        Arguments.of("ci/all-in-one-values.yaml", Map.of("secrets", Map.of("internalSecret", "short")), "at least 32 characters"),
        Arguments.of("ci/all-in-one-values.yaml", Map.of("database", Map.of("url", "postgres://db/nerve")), "PostgreSQL JDBC URL"),
        Arguments.of("ci/all-in-one-values.yaml", Map.of("bootstrapAdmin", Map.of("username", "admin", "password", "short")), "at least 12"),
        Arguments.of("ci/split-values.yaml", Map.of("targets", Map.of("memroy", Map.of("enabled", true))), "memroy"),
        Arguments.of("ci/split-values.yaml", Map.of("mode", "distributed"), "mode"),
        Arguments.of("ci/split-values.yaml", Map.of("targets", Map.of("gateway", Map.of("enabled", false))), "ingress.enabled needs the gateway"));
  }

  @ParameterizedTest(name = "{2}")
  @MethodSource("refusedValues")
  void unusableValuesAreRefusedWithAHint(String valuesFile, Map<String, Object> values, String hint) {
    assertThatThrownBy(() -> render(valuesFile, values)).hasMessageContaining(hint);
  }

  @Test
  void embeddedDemoRunsOnePodWithoutExternalServers() throws IOException {
    Manifests manifests =
        render("values.yaml", Map.of("embedded", Map.of("enabled", true), "allInOne", Map.of("replicas", 1)));

    JsonNode deployment = manifests.get("Deployment", PREFIX);
    assertThat(deployment.path("spec").path("replicas").asInt()).isEqualTo(1);
    assertThat(deployment.path("spec").path("strategy").path("type").asString()).isEqualTo("Recreate");
    assertThat(env(deployment)).doesNotContainKeys("NERVE_DATABASE_URL", "NERVE_REDIS_URL");
    assertCommonInvariants(manifests);
  }

  // ------------------------------------------------------------------------------------------
  // Helpers
  // ------------------------------------------------------------------------------------------

  /** What holds for every render: credentials never literal, every secretKeyRef of the chart's Secret resolvable. */
  private static void assertCommonInvariants(Manifests manifests) {
    Set<String> chartSecretKeys =
        manifests.ofKind("Secret").isEmpty() ? Set.of() : strings(manifests.get("Secret", PREFIX).path("data")).keySet();
    for (JsonNode deployment : manifests.ofKind("Deployment")) {
      for (Map.Entry<String, JsonNode> variable : env(deployment).entrySet()) {
        if (SECRET_VARIABLE.matcher(variable.getKey()).matches()) {
          assertThat(variable.getValue().has("value"))
              .as("%s of %s must come from a Secret, not a literal value", variable.getKey(), name(deployment))
              .isFalse();
        }
        if (variable.getKey().equals("NERVE_REDIS_URL") && variable.getValue().has("value")) {
          // A literal Redis URL is fine only without credentials (redis://:password@host).
          assertThat(variable.getValue().path("value").asString()).as("Redis URL of %s", name(deployment)).doesNotContain("@");
        }
        JsonNode ref = variable.getValue().path("valueFrom").path("secretKeyRef");
        if (ref.path("name").asString().equals(PREFIX)) {
          assertThat(chartSecretKeys).as("key of %s in Secret %s", variable.getKey(), PREFIX).contains(ref.path("key").asString());
        }
      }
    }
  }

  private Manifests render(String valuesFile, Map<String, Object> overrides) throws IOException {
    Path overridesFile = Files.createTempFile(temp, "overrides", ".yaml");
    Files.writeString(overridesFile, yaml().dump(overrides));
    TemplateCommand template = new Helm(chart).template().withName(RELEASE).withNamespace(NAMESPACE);
    if (!valuesFile.equals("values.yaml")) {
      template = template.withValuesFile(chart.resolve(valuesFile));
    }
    String rendered = template.withValuesFile(overridesFile).call();
    return Manifests.parse(rendered);
  }

  /** A copy of the chart whose values.yaml is the defaults with one example file merged over them. */
  private Path copyChartWithValues(String valuesFile) throws IOException {
    Path copy = temp.resolve("chart-" + valuesFile.replaceAll("[^a-z-]", "_")).resolve("nerve");
    try (Stream<Path> files = Files.walk(chart)) {
      for (Path source : files.toList()) {
        Path target = copy.resolve(chart.relativize(source).toString());
        if (Files.isDirectory(source)) {
          Files.createDirectories(target);
        } else {
          Files.copy(source, target);
        }
      }
    }
    if (!valuesFile.equals("values.yaml")) {
      ObjectNode merged = (ObjectNode) readYaml(chart.resolve("values.yaml"));
      merge(merged, readYaml(chart.resolve(valuesFile)));
      Files.writeString(copy.resolve("values.yaml"), yaml().dump(JSON.convertValue(merged, Object.class)));
    }
    return copy;
  }

  private static void merge(ObjectNode base, JsonNode overlay) {
    for (Map.Entry<String, JsonNode> entry : overlay.properties()) {
      if (entry.getValue().isObject() && base.path(entry.getKey()).isObject()) {
        merge((ObjectNode) base.get(entry.getKey()), entry.getValue());
      } else {
        base.set(entry.getKey(), entry.getValue());
      }
    }
  }

  private static JsonNode readYaml(Path file) throws IOException {
    Object document = new Yaml(new SafeConstructor(new LoaderOptions())).load(Files.readString(file));
    return JSON.valueToTree(document);
  }

  private static Yaml yaml() {
    DumperOptions options = new DumperOptions();
    options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
    return new Yaml(options);
  }

  private static Path locateChart() {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      Path candidate = dir.resolve("deploy/helm/nerve");
      if (Files.isRegularFile(candidate.resolve("Chart.yaml"))) {
        return candidate;
      }
    }
    throw new IllegalStateException("deploy/helm/nerve not found above " + Path.of("").toAbsolutePath());
  }

  private static void assertProbe(JsonNode container, String probe, String path) {
    JsonNode get = container.path(probe).path("httpGet");
    assertThat(get.path("path").asString()).as(probe).isEqualTo(path);
    assertThat(get.path("port").asString()).as(probe).isEqualTo("http");
  }

  /** Container ports by name. */
  private static Map<String, Integer> containerPorts(JsonNode deployment) {
    Map<String, Integer> ports = new LinkedHashMap<>();
    for (JsonNode port : container(deployment).path("ports")) {
      ports.put(port.path("name").asString(), port.path("containerPort").asInt());
    }
    return ports;
  }

  /** Service ports by name. */
  private static Map<String, JsonNode> servicePorts(JsonNode service) {
    Map<String, JsonNode> ports = new LinkedHashMap<>();
    for (JsonNode port : service.path("spec").path("ports")) {
      ports.put(port.path("name").asString(), port);
    }
    return ports;
  }

  private static JsonNode servicePort(JsonNode service, String name) {
    JsonNode port = servicePorts(service).get(name);
    assertThat(port).as("port %s of Service %s", name, name(service)).isNotNull();
    return port;
  }

  /** "secret/key" a variable reads, failing when it is not a secretKeyRef. */
  private static String secretRef(JsonNode deployment, String variable) {
    JsonNode ref = env(deployment).getOrDefault(variable, JSON.valueToTree(Map.of())).path("valueFrom").path("secretKeyRef");
    assertThat(ref.isMissingNode()).as("%s of %s is a secretKeyRef", variable, name(deployment)).isFalse();
    return ref.path("name").asString() + "/" + ref.path("key").asString();
  }

  /** The decoded value a variable gets from the chart's Secret. */
  private static String secretValue(Manifests manifests, JsonNode deployment, String variable) {
    String[] ref = secretRef(deployment, variable).split("/", 2);
    String encoded = manifests.get("Secret", ref[0]).path("data").path(ref[1]).asString();
    return new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8);
  }

  private static Map<String, String> decodedData(JsonNode secret) {
    Map<String, String> data = new LinkedHashMap<>();
    strings(secret.path("data"))
        .forEach((key, value) -> data.put(key, new String(Base64.getDecoder().decode(value), StandardCharsets.UTF_8)));
    return data;
  }
}
