/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.sample;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.scheduling.annotation.EnableScheduling;

/**
 * The sample application: scheduled jobs guarded by switchman, on an embedded ZooKeeper unless told
 * otherwise ({@code --switchman.embedded.enabled=false --switchman.connect-string=...}).
 */
@SpringBootApplication
@EnableScheduling
public class SampleApplication {

  public static void main(String[] args) {
    SpringApplication.run(SampleApplication.class, args);
  }
}
