package dev.nerve.server;

import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * The Spring application every target runs in; which modules activate depends on {@code
 * nerve.targets} (see {@link dev.nerve.platform.target.Target}).
 */
@SpringBootApplication
public class NerveApplication {}
