/**
 * Command lines as Perl's exec() treats them: when one goes through
 * /bin/sh, its words otherwise, and single-quoting for the shell. Pure
 * text helpers shared by the engine (load-time checks, the run actions)
 * and the runtime (child processes).
 *
 * @module
 */

/** Perl's shell metacharacters: a command line holding one is run through /bin/sh. */
const SHELL_META = /[$&*(){}[\]'";\\|?<>~`\n]/;

/** True when Perl's exec() would hand `cmd` to the shell. */
export function needsShell(cmd: string): boolean {
  const s = cmd.replace(/^\s+/, "");
  if (/^\.\s/.test(s) || /^exec\s/.test(s) || /^[A-Za-z0-9_]*=/.test(s)) return true;
  // a single trailing newline is dropped, not a metacharacter
  const body = s.endsWith("\n") && !s.slice(0, -1).includes("\n") ? s.slice(0, -1) : s;
  return SHELL_META.test(body);
}

/** The argv for a command line: `/bin/sh -c cmd` when it needs the shell, else its words. */
export function commandArgv(cmd: string): string[] {
  if (needsShell(cmd)) return ["/bin/sh", "-c", cmd];
  return cmd.split(/[ \t\n\r\f]+/).filter((w) => w !== "");
}

/** Quotes `s` for the shell with single quotes ('aa'\''bb'), as --quoting and assignsq do. */
export function shellQuote(s: string): string {
  return "'" + s.replaceAll("'", "'\\''") + "'";
}
