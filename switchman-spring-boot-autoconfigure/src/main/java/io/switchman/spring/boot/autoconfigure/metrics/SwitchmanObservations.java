/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.spring.boot.autoconfigure.metrics;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.switchman.core.Grant;
import io.switchman.spring.boot.autoconfigure.SwitchmanRunListener;
import java.time.Duration;

/**
 * An {@link Observation} named {@code switchman.run} around each run of a guarded method, with the
 * low-cardinality key {@code switchman.name} (the lock name) and the high-cardinality key {@code
 * switchman.fencing-token}. Its scope is open while the method runs, so traces and logs made by the
 * method belong to it.
 */
public final class SwitchmanObservations implements SwitchmanRunListener {

  /** The name of the observation. */
  public static final String NAME = "switchman.run";

  private final ObservationRegistry registry;

  public SwitchmanObservations(ObservationRegistry registry) {
    this.registry = registry;
  }

  @Override
  public Run started(String name, Grant grant, Duration waited) {
    Observation observation = start(name, grant);
    Observation.Scope scope = observation.openScope();
    return (ran, error) -> {
      try {
        if (error != null) {
          observation.error(error);
        }
      } finally {
        scope.close();
        observation.stop();
      }
    };
  }

  /** A run of a Publisher or future: the observation, without a scope on this thread. */
  @Override
  public Run startedDetached(String name, Grant grant, Duration waited) {
    Observation observation = start(name, grant);
    return (ran, error) -> {
      if (error != null) {
        observation.error(error);
      }
      observation.stop();
    };
  }

  private Observation start(String name, Grant grant) {
    return Observation.createNotStarted(NAME, registry)
        .contextualName("switchman " + name)
        .lowCardinalityKeyValue("switchman.name", name)
        .highCardinalityKeyValue("switchman.fencing-token", Long.toString(grant.fencingToken()))
        .start();
  }
}
