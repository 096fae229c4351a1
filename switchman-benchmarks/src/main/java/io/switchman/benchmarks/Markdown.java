/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.benchmarks;

import java.util.List;

/** A small Markdown writer for the report: headings, paragraphs and tables. */
final class Markdown {

  private final StringBuilder out = new StringBuilder();

  Markdown heading(int level, String text) {
    out.append("#".repeat(level)).append(' ').append(text).append("\n\n");
    return this;
  }

  Markdown para(String text) {
    out.append(text.strip()).append("\n\n");
    return this;
  }

  Markdown code(String text) {
    out.append("```\n").append(text.strip()).append("\n```\n\n");
    return this;
  }

  Markdown table(List<String> header, List<List<String>> rows) {
    out.append("| ").append(String.join(" | ", header)).append(" |\n");
    out.append("|").append(" --- |".repeat(header.size())).append('\n');
    for (List<String> r : rows) {
      out.append("| ").append(String.join(" | ", r)).append(" |\n");
    }
    out.append('\n');
    return this;
  }

  Markdown raw(String text) {
    out.append(text);
    return this;
  }

  @Override
  public String toString() {
    return out.toString();
  }
}
