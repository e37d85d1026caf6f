package dev.nerve.gateway;

import org.springframework.boot.autoconfigure.SpringBootApplication;

/** Boots the gateway target alone for its integration tests. */
@SpringBootApplication
public class GatewayTestApplication {}
