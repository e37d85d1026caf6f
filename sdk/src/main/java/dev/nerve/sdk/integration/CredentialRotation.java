package dev.nerve.sdk.integration;

import dev.nerve.platform.secrets.SecretBox;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Re-encrypts stored integration credentials with the current master key during a key rotation
 * ({@code NERVE_PREVIOUS_MASTER_KEY} set): every sealed value that only the previous key opens is
 * sealed again with the current one. Runs on start, page by page; a row changed meanwhile is left
 * to its writer (which seals with the current key anyway). Safe to run on every replica at once.
 */
public final class CredentialRotation {

  private static final Logger log = LoggerFactory.getLogger(CredentialRotation.class);
  private static final int PAGE = 200;

  private final IntegrationRepository repository;
  private final SecretBox box;

  CredentialRotation(IntegrationRepository repository, SecretBox box) {
    this.repository = repository;
    this.box = box;
  }

  /** Re-encrypts what needs it; returns how many values moved to the current key. */
  public int run() {
    if (!box.rotating()) {
      return 0;
    }
    int moved = 0;
    int unreadable = 0;
    String afterTenant = "";
    String afterId = "";
    while (true) {
      List<String[]> page = repository.sealedPage(afterTenant, afterId, PAGE);
      for (String[] row : page) {
        try {
          String resealed = box.reseal(row[2], Integrations.context(row[0], row[1]));
          if (!resealed.equals(row[2]) && repository.replaceSealed(row[0], row[1], row[2], resealed)) {
            moved++;
          }
        } catch (RuntimeException e) {
          unreadable++;
        }
      }
      if (page.size() < PAGE) {
        break;
      }
      afterTenant = page.get(page.size() - 1)[0];
      afterId = page.get(page.size() - 1)[1];
    }
    log.info("Master key rotation: re-encrypted {} integration credentials with the current key{}", moved,
        unreadable == 0 ? "" : "; " + unreadable + " open with neither key (see docs/security.md)");
    return moved;
  }
}
