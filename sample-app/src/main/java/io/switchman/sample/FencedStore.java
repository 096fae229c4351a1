/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.sample;

import org.springframework.stereotype.Component;

/**
 * A stand-in for a storage system that accepts a write only with a fencing token at least as high
 * as the highest it has seen, so that a holder that lost its lock cannot overwrite newer data.
 */
@Component
public class FencedStore {

  private long highestToken = -1;
  private String last = "";

  /** Stores {@code value} unless {@code fencingToken} is older than one already seen. */
  public synchronized boolean write(String value, long fencingToken) {
    if (fencingToken < highestToken) {
      return false;
    }
    highestToken = fencingToken;
    last = value;
    return true;
  }

  /** The last accepted value. */
  public synchronized String last() {
    return last;
  }
}
