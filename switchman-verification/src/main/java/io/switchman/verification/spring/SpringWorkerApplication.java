/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.verification.spring;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.scheduling.annotation.EnableScheduling;

/**
 * A worker process of the soak built like a user's service: Spring Boot with {@code
 * switchman-spring-boot-starter}, and a {@code @Scheduled} job guarded by {@code @SwitchmanLock}
 * ({@link GuardedJob}). Configured with command-line properties ({@code --switchman.*} and {@code
 * --verification.*}); stops cleanly on SIGTERM.
 */
@SpringBootApplication
@EnableScheduling
public class SpringWorkerApplication {

  public static void main(String[] args) {
    SpringApplication app = new SpringApplication(SpringWorkerApplication.class);
    app.setRegisterShutdownHook(true);
    app.run(args);
  }
}
