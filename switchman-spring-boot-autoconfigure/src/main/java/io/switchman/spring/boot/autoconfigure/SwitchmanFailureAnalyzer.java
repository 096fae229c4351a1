/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.spring.boot.autoconfigure;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Reports a {@link SwitchmanConfigurationException} as Spring Boot's "APPLICATION FAILED TO START"
 * description and action, instead of a long stack trace.
 */
final class SwitchmanFailureAnalyzer
    extends AbstractFailureAnalyzer<SwitchmanConfigurationException> {

  @Override
  protected FailureAnalysis analyze(Throwable rootFailure, SwitchmanConfigurationException cause) {
    return new FailureAnalysis(String.valueOf(cause.getMessage()), cause.action(), cause);
  }
}
