/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.cli;

import io.switchman.core.GrantRequest;
import io.switchman.core.LeaseRequest;
import io.switchman.core.internal.Durations;
import io.switchman.core.internal.Names;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * What the job asks for, checked before any I/O.
 *
 * @param name the lock name
 * @param command the argv to run
 * @param request the request, for a job that takes the lock or a lease
 * @param groupOnly whether the job takes neither the lock nor a lease ({@code --no-lock} without
 *     {@code --lease}: guarded by {@code -g} alone, if given; see {@link GroupGrant})
 * @param group the {@code -g} group, or null
 */
record JobSpec(
    String name,
    List<String> command,
    GrantRequest.Builder request,
    boolean groupOnly,
    @Nullable String group) {

  static JobSpec of(SwitchmanCli o) {
    String name = o.lockname != null ? o.lockname : basename(o.command.get(0));
    Names.checkLockName(name);
    GrantRequest.Builder b = GrantRequest.builder(name).lock(o.lock).group(o.group);
    if (o.group != null) {
      Names.checkGroupName(o.group);
    }
    if (o.lockWait != null) {
      b.lockWait(Durations.parse("--wait", o.lockWait));
    }
    for (String l : o.leases) {
      b.lease(LeaseRequest.parse(l));
    }
    return new JobSpec(name, argv(o.command), b, !o.lock && o.leases.isEmpty(), o.group);
  }

  /** switchman's basename of CMD: the last path element, trailing slashes ignored. */
  static String basename(String cmd) {
    String s = cmd;
    while (s.length() > 1 && s.endsWith("/")) {
      s = s.substring(0, s.length() - 1);
    }
    int slash = s.lastIndexOf('/');
    return slash >= 0 && s.length() > 1 ? s.substring(slash + 1) : s;
  }

  /**
   * The argv to execute, as Perl's {@code exec}: a single argument with shell metacharacters runs
   * through {@code /bin/sh -c}; a single argument without them is split on whitespace.
   */
  static List<String> argv(List<String> command) {
    if (command.size() != 1) {
      return List.copyOf(command);
    }
    String one = command.get(0);
    for (int i = 0; i < one.length(); i++) {
      if ("$&*(){}[]'\";\\|?<>~`\n".indexOf(one.charAt(i)) >= 0) {
        return List.of("/bin/sh", "-c", one);
      }
    }
    List<String> words = new ArrayList<>();
    for (String w : one.trim().split("\\s+")) {
      if (!w.isEmpty()) {
        words.add(w);
      }
    }
    return words.isEmpty() ? List.of(one) : words;
  }
}
