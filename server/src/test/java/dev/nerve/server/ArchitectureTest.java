package dev.nerve.server;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import dev.nerve.memory.archfixture.MemoryReachingIntoInstallation;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Module boundaries: services talk only through the gRPC contracts in {@code api}, so no service
 * module may import another service's classes, the gateway's, or the server's.
 */
class ArchitectureTest {

  static final List<String> SERVICES = List.of("memory", "installation", "sdk", "automation", "learning");

  private static final JavaClasses PRODUCTION =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("dev.nerve");

  /** One rule per module: what it must never depend on. */
  static List<ArchRule> rules() {
    List<ArchRule> rules = new ArrayList<>();
    for (String service : SERVICES) {
      List<String> forbidden = new ArrayList<>();
      SERVICES.stream().filter(other -> !other.equals(service)).forEach(other -> forbidden.add("dev.nerve." + other + ".."));
      forbidden.add("dev.nerve.gateway..");
      forbidden.add("dev.nerve.server..");
      rules.add(
          noClasses()
              .that()
              .resideInAPackage("dev.nerve." + service + "..")
              .should()
              .dependOnClassesThat()
              .resideInAnyPackage(forbidden.toArray(String[]::new))
              .because("services talk to each other only through their gRPC contracts"));
    }
    List<String> serviceAndServer = new ArrayList<>(SERVICES.stream().map(s -> "dev.nerve." + s + "..").toList());
    serviceAndServer.add("dev.nerve.server..");
    rules.add(
        noClasses()
            .that()
            .resideInAPackage("dev.nerve.gateway..")
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage(serviceAndServer.toArray(String[]::new))
            .because("the gateway reaches services only through gRPC stubs"));
    serviceAndServer.add("dev.nerve.gateway..");
    rules.add(
        noClasses()
            .that()
            .resideInAnyPackage("dev.nerve.platform..", "dev.nerve.api..")
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage(serviceAndServer.toArray(String[]::new))
            .because("shared modules must not know the modules built on them"));
    rules.add(
        noClasses()
            .that()
            .resideInAPackage("dev.nerve.api..")
            .should()
            .dependOnClassesThat()
            .resideInAPackage("dev.nerve.platform..")
            .because("contracts stand alone"));
    return rules;
  }

  @Test
  void modulesKeepTheirBoundaries() {
    rules().forEach(rule -> rule.check(PRODUCTION));
  }

  @Test
  void theRulesCatchAServiceReachingIntoAnother() {
    JavaClasses offender = new ClassFileImporter().importClasses(MemoryReachingIntoInstallation.class);
    ArchRule memoryRule = rules().get(SERVICES.indexOf("memory"));

    assertThatThrownBy(() -> memoryRule.check(offender))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("dev.nerve.installation.InstallationConfiguration");
  }
}
