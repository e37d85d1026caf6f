package dev.nerve.platform.secrets;

import dev.nerve.platform.NerveProperties;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/** One {@link SecretBox} per process, keyed by the deployment's master key (and the previous one during a rotation). */
@AutoConfiguration
@EnableConfigurationProperties({SecretsProperties.class, NerveProperties.class})
public class SecretsConfiguration {

  @Bean
  SecretBox secretBox(SecretsProperties secrets, NerveProperties nerve) {
    return new SecretBox(
        MasterKey.resolve(secrets.masterKey(), nerve.dataDir()),
        MasterKey.previous(secrets.previousMasterKey()));
  }
}
