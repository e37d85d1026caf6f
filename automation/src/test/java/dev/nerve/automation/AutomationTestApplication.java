package dev.nerve.automation;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;

/** Boots the automation target alone for its integration tests. */
@SpringBootConfiguration
@EnableAutoConfiguration
public class AutomationTestApplication {}
