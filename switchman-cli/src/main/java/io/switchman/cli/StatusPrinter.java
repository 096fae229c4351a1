/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchman.core.ClusterStatus;
import io.switchman.core.ClusterStatus.LeaseInfo;
import io.switchman.core.ClusterStatus.LockInfo;
import io.switchman.core.ClusterStatus.QueueEntry;
import io.switchman.core.Pause;
import java.io.PrintStream;
import java.util.List;
import java.util.Map;

/** Prints {@code switchman --status}: as text for people, or as JSON with {@code --json}. */
final class StatusPrinter {

  private static final ObjectMapper JSON = new ObjectMapper();

  private StatusPrinter() {}

  static void print(ClusterStatus s, boolean json, PrintStream out) {
    if (json) {
      try {
        out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(toJson(s)));
      } catch (JsonProcessingException e) {
        throw new IllegalStateException(e);
      }
    } else {
      out.print(text(s));
    }
    out.flush();
  }

  static String text(ClusterStatus s) {
    StringBuilder sb = new StringBuilder();
    sb.append("prefix ").append(s.prefix()).append('\n');
    sb.append("locks:");
    if (s.locks().isEmpty()) {
      sb.append(" none");
    }
    sb.append('\n');
    for (LockInfo l : s.locks()) {
      Pause p = l.pause();
      if (p != null) {
        sb.append("  ")
            .append(l.name())
            .append("  PAUSED by ")
            .append(p.who())
            .append("  since ")
            .append(p.since())
            .append("  reason ")
            .append(p.reason().isEmpty() ? "(none given)" : p.reason())
            .append('\n');
        continue;
      }
      sb.append("  ")
          .append(l.name())
          .append("  holder ")
          .append(l.holder())
          .append("  fencing token ")
          .append(l.fencingToken())
          .append("  since ")
          .append(l.since())
          .append("  session 0x")
          .append(Long.toHexString(l.sessionId()))
          .append('\n');
    }
    queues(sb, "waiting for locks", s.waiters());
    queues(sb, "queues", s.queues());
    sb.append("leases:");
    if (s.leases().values().stream().allMatch(List::isEmpty)) {
      sb.append(" none");
    }
    sb.append('\n');
    s.leases()
        .forEach(
            (resource, leases) -> {
              long used = leases.stream().mapToLong(LeaseInfo::amount).sum();
              if (leases.isEmpty()) {
                return;
              }
              sb.append("  ")
                  .append(resource)
                  .append(": ")
                  .append(used)
                  .append(" of ")
                  .append(leases.get(0).capacity())
                  .append(" units held\n");
              for (LeaseInfo l : leases) {
                sb.append("    ")
                    .append(l.amount())
                    .append(" units  holder ")
                    .append(l.holder())
                    .append("  fencing token ")
                    .append(l.fencingToken())
                    .append("  since ")
                    .append(l.since())
                    .append("  node ")
                    .append(l.node())
                    .append('\n');
              }
            });
    sb.append("cluster data: ")
        .append(s.clusterData() == null ? "(znode " + s.prefix() + " missing)" : s.clusterData())
        .append('\n');
    return sb.toString();
  }

  private static void queues(StringBuilder sb, String title, Map<String, List<QueueEntry>> queues) {
    if (queues.values().stream().allMatch(List::isEmpty)) {
      return;
    }
    sb.append(title).append(":\n");
    queues.forEach(
        (name, entries) -> {
          if (entries.isEmpty()) {
            return;
          }
          sb.append("  ").append(name).append(":\n");
          for (QueueEntry e : entries) {
            sb.append("    ")
                .append(e.name())
                .append("  holder ")
                .append(e.holder())
                .append("  since ")
                .append(e.since())
                .append("  node ")
                .append(e.node())
                .append('\n');
          }
        });
  }

  static JsonNode toJson(ClusterStatus s) {
    ObjectNode root = JSON.createObjectNode();
    root.put("prefix", s.prefix());
    ArrayNode locks = root.putArray("locks");
    for (LockInfo l : s.locks()) {
      locks
          .addObject()
          .put("name", l.name())
          .put("holder", l.holder())
          .put("fencingToken", l.fencingToken())
          .put("since", l.since().toString())
          .put("sessionId", "0x" + Long.toHexString(l.sessionId()));
      Pause p = l.pause();
      ObjectNode lock = (ObjectNode) locks.get(locks.size() - 1);
      lock.put("paused", p != null);
      if (p == null) {
        lock.putNull("pause");
      } else {
        ObjectNode pn = lock.putObject("pause");
        pn.put("host", p.host()).put("since", p.since().toString()).put("reason", p.reason());
        if (p.operator() == null) {
          pn.putNull("operator");
        } else {
          pn.put("operator", p.operator());
        }
        pn.put("who", p.who());
      }
    }
    queuesJson(root.putObject("waiters"), s.waiters());
    queuesJson(root.putObject("queues"), s.queues());
    ObjectNode leases = root.putObject("leases");
    s.leases()
        .forEach(
            (resource, list) -> {
              ArrayNode a = leases.putArray(resource);
              for (LeaseInfo l : list) {
                a.addObject()
                    .put("node", l.node())
                    .put("amount", l.amount())
                    .put("capacity", l.capacity())
                    .put("holder", l.holder())
                    .put("fencingToken", l.fencingToken())
                    .put("since", l.since().toString());
              }
            });
    if (s.clusterData() == null) {
      root.putNull("clusterData");
    } else {
      try {
        root.set("clusterData", JSON.readTree(s.clusterData()));
      } catch (JsonProcessingException e) {
        root.put("clusterData", s.clusterData());
      }
    }
    return root;
  }

  private static void queuesJson(ObjectNode node, Map<String, List<QueueEntry>> queues) {
    queues.forEach(
        (name, entries) -> {
          ArrayNode a = node.putArray(name);
          for (QueueEntry e : entries) {
            a.addObject()
                .put("node", e.node())
                .put("name", e.name())
                .put("sequence", e.sequence())
                .put("holder", e.holder())
                .put("since", e.since().toString());
          }
        });
  }
}
