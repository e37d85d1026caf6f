package dev.nerve.learning;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;

/** Boots the learning target alone for its integration tests. */
@SpringBootConfiguration
@EnableAutoConfiguration
public class LearningTestApplication {}
