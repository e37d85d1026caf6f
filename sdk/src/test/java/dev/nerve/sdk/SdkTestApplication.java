package dev.nerve.sdk;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;

/** Boots the sdk target alone for its integration tests. */
@SpringBootConfiguration
@EnableAutoConfiguration
public class SdkTestApplication {}
