/**
 * SEC's resource file (ENVIRONMENT in the manual): when the SECRC
 * environment variable is set, the file it names holds more command-line
 * arguments, one a line. Empty lines and lines whose first non-blank
 * character is `#` are skipped; every other line, without its leading and
 * trailing blanks, is one argument appended after those of the command
 * line (so an option and its value are written `--opt=value`, or on two
 * lines). The lines are not parsed by a shell. A file that cannot be read
 * is reported and sec-ts goes on without it, as SEC 2.9.4 does.
 *
 * @module
 */
import { perlTrim } from "../lang/blanks.ts";
import { errorText } from "./input_source.ts";

/** What the resource file gave. */
export interface ResourceArguments {
  /** The file name ($SECRC), undefined when SECRC is not set. */
  readonly file: string | undefined;
  /** Its arguments, in order (empty when there is none or it could not be read). */
  readonly args: string[];
  /** SEC's message when the file could not be read (`Can't open resource file X (reason)`). */
  readonly error?: string;
}

/** The arguments in the text of a resource file (see the module doc). */
export function resourceLines(text: string): string[] {
  const out: string[] = [];
  for (const line of text.split("\n")) {
    const arg = perlTrim(line);
    if (arg === "" || arg.startsWith("#")) continue;
    out.push(arg);
  }
  return out;
}

/**
 * Reads the resource file named by SECRC (`file`, read from the
 * environment when not given). A directory gives no arguments and no
 * error, as in SEC (Perl reads no line from it).
 */
export function resourceArguments(file: string | undefined = secrc()): ResourceArguments {
  if (file === undefined) return { file, args: [] };
  try {
    if (file !== "" && Deno.statSync(file).isDirectory) return { file, args: [] };
    return { file, args: resourceLines(Deno.readTextFileSync(file)) };
  } catch (e) {
    return { file, args: [], error: `Can't open resource file ${file} (${errorText(e)})` };
  }
}

/** $SECRC, or undefined when it is not set (or the environment may not be read). */
function secrc(): string | undefined {
  try {
    return Deno.env.get("SECRC");
  } catch {
    return undefined;
  }
}

/**
 * Makes SECRC in this process's environment an absolute path, for a copy
 * of sec-ts started in another directory (--detach starts it in `/`), so
 * that the copy reads the same resource file.
 */
export function anchorResourceFile(rc: ResourceArguments): void {
  if (rc.file === undefined || rc.file === "" || rc.file.startsWith("/")) return;
  Deno.env.set("SECRC", `${Deno.cwd()}/${rc.file}`);
}
