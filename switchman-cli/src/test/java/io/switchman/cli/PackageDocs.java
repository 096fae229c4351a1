/*
 * Copyright 2026 the switchman authors.
 * SPDX-License-Identifier: Apache-2.0
 */
package io.switchman.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.codegen.docgen.manpage.ManPageGenerator;

/**
 * Build-time generator (run by the build, not a test) of what the packages ship from the picocli
 * model, so that neither can drift from {@code --help}: {@code switchman.adoc}, the AsciiDoc parts
 * of the man page (picocli's ManPageGenerator; {@code src/main/man/switchman.adoc} adds the
 * hand-written sections and Asciidoctor turns it into troff), and {@code switchman.bash}, the bash
 * completion (picocli's AutoComplete, which zsh runs through bashcompinit); and {@code changelog},
 * the Debian changelog of the native package.
 *
 * <p>Usage: {@code PackageDocs OUTPUT_DIR VERSION MAINTAINER}, VERSION being the Maven version.
 */
public final class PackageDocs {

  /** The options whose value is a file name: completed as file names. */
  private static final Set<String> FILE_OPTIONS = Set.of("--config", "--write-cluster-data");

  private PackageDocs() {}

  public static void main(String[] args) throws IOException {
    if (args.length != 3) {
      throw new IllegalArgumentException("usage: PackageDocs OUTPUT_DIR VERSION MAINTAINER");
    }
    Path out = Path.of(args[0]);
    Files.createDirectories(out);
    Files.writeString(out.resolve("switchman.adoc"), manPage(), StandardCharsets.UTF_8);
    Files.writeString(out.resolve("switchman.bash"), bashCompletion(), StandardCharsets.UTF_8);
    Files.writeString(
        out.resolve("changelog"),
        changelog(args[1], args[2], Instant.now()),
        StandardCharsets.UTF_8);
  }

  /** The Debian version of a Maven version, as jdeb makes it: 1.0.0-SNAPSHOT is 1.0.0~SNAPSHOT. */
  static String debianVersion(String mavenVersion) {
    return mavenVersion.replace('-', '~');
  }

  /** A Debian changelog with one entry, for the version built. */
  static String changelog(String mavenVersion, String maintainer, Instant when) {
    String date =
        DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss Z", Locale.ENGLISH)
            .format(when.atZone(ZoneOffset.UTC));
    return "switchman ("
        + debianVersion(mavenVersion)
        + ") unstable; urgency=medium\n\n"
        + "  * switchman for the JVM "
        + mavenVersion
        + ".\n"
        + "    A drop-in replacement for switchman 1.16; see switchman(1).\n\n"
        + " -- "
        + maintainer
        + "  "
        + date
        + "\n";
  }

  /**
   * The AsciiDoc of the model, tagged by section (picocli-generated-man-section-synopsis, ...). The
   * footer of {@code --help} starts with the exit codes, up to its first empty line; the man page
   * takes that part as its "Exit status" section (the rest has sections of its own).
   */
  static String manPage() {
    CommandSpec spec = SwitchmanCli.commandLine(new SwitchmanCli()).getCommandSpec();
    String[] footer = spec.usageMessage().footer();
    int end = Arrays.asList(footer).indexOf("");
    if (end <= 0 || !spec.usageMessage().footerHeading().contains("Exit codes")) {
      throw new IllegalStateException(
          "The footer of switchman --help no longer starts with the exit codes followed by an"
              + " empty line; adapt PackageDocs");
    }
    spec.usageMessage().footerHeading("Exit status").footer(Arrays.copyOf(footer, end));
    StringWriter sw = new StringWriter();
    try (PrintWriter pw = new PrintWriter(sw)) {
      ManPageGenerator.writeSingleManPage(pw, spec);
    }
    return sw.toString();
  }

  /**
   * picocli's bash completion of the options, with file-name completion for the options that take a
   * file, and a wrapper that completes the command once it starts (after {@code --}, or at the
   * first word that is neither an option nor an option's value), as bash-completion does for {@code
   * sudo}.
   */
  static String bashCompletion() {
    CommandLine cl = SwitchmanCli.commandLine(new SwitchmanCli());
    CommandSpec spec = cl.getCommandSpec();
    List<String> withValue = new ArrayList<>();
    List<String> withFile = new ArrayList<>();
    for (OptionSpec o : spec.options()) {
      if (o.hidden() || o.arity().max() == 0) {
        continue;
      }
      withValue.addAll(Arrays.asList(o.names()));
      if (FILE_OPTIONS.contains(o.longestName())) {
        withFile.addAll(Arrays.asList(o.names()));
      }
    }
    if (!withFile.containsAll(FILE_OPTIONS)) {
      throw new IllegalStateException("No option " + FILE_OPTIONS + " any more; adapt PackageDocs");
    }
    // A completion script is sourced, not run: no #! line (Debian's lintian insists).
    String picocli = AutoComplete.bash("switchman", cl).replaceFirst("\\A#![^\n]*\n", "");
    String cases = withValue.stream().map(n -> "'" + n + "'").collect(Collectors.joining("|"));
    String fileCases = withFile.stream().map(n -> "'" + n + "'").collect(Collectors.joining("|"));
    return picocli
        + "\n"
        + "# switchman: once the command starts, complete it as a command line of its own (with"
        + "\n# bash-completion's _command_offset, as for sudo); before that, the options above.\n"
        + "function _switchman_complete() {\n"
        + "  local i=1 start=-1 word\n"
        + "  while [ \"$i\" -lt \"$COMP_CWORD\" ]; do\n"
        + "    word=${COMP_WORDS[i]}\n"
        + "    case $word in\n"
        + "      --) start=$((i + 1)); break ;;\n"
        + "      "
        + cases
        + ")\n"
        + "        if [ \"${COMP_WORDS[i+1]}\" = \"=\" ]; then i=$((i + 3)); else i=$((i + 2)); fi ;;\n"
        + "      =|:) i=$((i + 2)) ;;\n"
        + "      -*) i=$((i + 1)) ;;\n"
        + "      *) start=$i; break ;;\n"
        + "    esac\n"
        + "  done\n"
        + "  if [ \"$start\" -lt 0 ] && [ \"$i\" -eq \"$COMP_CWORD\" ] \\\n"
        + "      && [[ ${COMP_WORDS[COMP_CWORD]} != -* ]]; then\n"
        + "    start=$i\n"
        + "  fi\n"
        + "  local prev=${COMP_WORDS[COMP_CWORD-1]}\n"
        + "  [ \"$prev\" = \"=\" ] && [ \"$COMP_CWORD\" -ge 2 ] && prev=${COMP_WORDS[COMP_CWORD-2]}\n"
        + "  if [ \"$start\" -lt 0 ] || [ \"$start\" -gt \"$COMP_CWORD\" ]; then\n"
        + "    case $prev in\n"
        + "      "
        + fileCases
        + ")\n"
        + "        type compopt &>/dev/null && compopt -o filenames\n"
        + "        COMPREPLY=( $(compgen -f -- \"${COMP_WORDS[COMP_CWORD]}\") ) ;;\n"
        + "      *) _complete_switchman \"$@\" ;;\n"
        + "    esac\n"
        + "  elif [ \"$(type -t _command_offset 2>/dev/null)\" = function ]; then\n"
        + "    _command_offset \"$start\"\n"
        + "  elif [ \"$start\" -eq \"$COMP_CWORD\" ]; then\n"
        + "    COMPREPLY=( $(compgen -c -- \"${COMP_WORDS[COMP_CWORD]}\") )\n"
        + "  else\n"
        + "    COMPREPLY=( $(compgen -f -- \"${COMP_WORDS[COMP_CWORD]}\") )\n"
        + "  fi\n"
        + "}\n"
        + "complete -F _switchman_complete -o default switchman\n";
  }
}
