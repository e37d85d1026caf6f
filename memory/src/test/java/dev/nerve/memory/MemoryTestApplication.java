package dev.nerve.memory;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;

/** Boots the memory target alone for its integration tests. */
@SpringBootConfiguration
@EnableAutoConfiguration
public class MemoryTestApplication {}
