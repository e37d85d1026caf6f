package dev.nerve.installation;

import org.springframework.boot.autoconfigure.SpringBootApplication;

/** Boots the installation target alone for its integration tests. */
@SpringBootApplication
public class InstallationTestApplication {}
