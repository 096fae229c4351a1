/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */

/**
 * Internal helpers shared by the core and switchman's adapters (Spring Boot, CLI): duration syntax,
 * name rules and lease expressions. <b>Not API</b>: anything here may change or go in any release
 * without notice; applications must not use it. Requests are checked through {@link
 * io.switchman.core.RequestPlan}.
 */
@NullMarked
package io.switchman.core.internal;

import org.jspecify.annotations.NullMarked;
