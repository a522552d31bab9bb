/**
 * Wiring of the action runtime into the correlator (app.ts): one set of
 * child processes, sockets, permissions and compiled code per process,
 * shared by every engine (full restarts build new engines; children and
 * their output survive them). Provides the rule loader options (the
 * permission check and the JavaScript compiler), installs the action
 * handlers into each executor, delivers child output to the engine, and
 * revokes the Deno permissions that were not granted.
 *
 * @module
 */
import type { TextMode } from "../lang/bytes.ts";
import type { LoadOptions } from "../lang/rule_compiler.ts";
import type { ActionExecutor } from "../engine/actions/executor.ts";
import type { Engine } from "../engine/engine.ts";
import type { ActionRuntime, DynamicInputs } from "../engine/actions/deps.ts";
import { allActionHandlers } from "../engine/actions/table.ts";
import { makeActionChecker } from "../engine/actions/check.ts";
import { CodeCache, compileRuleFunction } from "../engine/code.ts";
import { ChildManager } from "./children.ts";
import { SocketOutputs } from "./sockets_out.ts";
import { Permissions, type RevokeResult, revokeUngranted } from "./permissions.ts";
import { initUnixSockets } from "./unix_socket.ts";
import type { SecOptions } from "./cli.ts";
import type { Logger } from "./logger.ts";
import type { OutputManager } from "./outputs.ts";
import type { ControlCommand } from "./control.ts";
import type { InputManager } from "./inputs.ts";

/** Signals sigemul emulates, as control commands. */
const SIGNAL_COMMANDS: Record<string, ControlCommand> = {
  HUP: { kind: "restart" },
  ABRT: { kind: "softrestart" },
  USR1: { kind: "dump" },
  USR2: { kind: "reopen" },
  INT: { kind: "debug" },
  TERM: { kind: "shutdown" },
};

/** The process-wide action runtime. */
export class ProcessActionRuntime implements ActionRuntime {
  readonly children: ChildManager;
  readonly sockets: SocketOutputs;
  readonly permissions: Permissions;
  readonly outputs: OutputManager;
  readonly quoting: boolean;
  readonly code = new CodeCache();
  /** --childterm: children are terminated on shutdown and restarts. */
  readonly childterm: boolean;
  inputs?: DynamicInputs;
  signal?: (name: string) => void;
  readonly #logger: Logger;
  readonly #opts: SecOptions;

  /** Creates the runtime for the command line `opts`. */
  constructor(opts: SecOptions, logger: Logger, outputs: OutputManager, mode: TextMode) {
    this.#opts = opts;
    this.#logger = logger;
    this.outputs = outputs;
    this.quoting = opts.quoting;
    this.childterm = opts.childterm;
    this.permissions = new Permissions(opts);
    if (opts.allowWrite !== true) {
      // writes go to the real path checked against the grant, opened without following a symlink
      outputs.resolveTarget = (name) => this.permissions.writeTarget(name);
    }
    this.children = new ChildManager(logger, mode);
    this.sockets = new SocketOutputs(logger, mode, opts.socketTimeout);
    if (opts.allowNet !== true) {
      // Unix sockets are reached at the real path checked against the grant
      this.sockets.resolveUnix = (path) => this.permissions.unixTarget(path);
    }
  }

  /** Rule loader options: the permission check and, with --allow-code, the JavaScript compiler. */
  loadOptions(): Pick<LoadOptions, "checkAction" | "compileFunction"> {
    return {
      checkAction: makeActionChecker(this.permissions, this.code),
      compileFunction: this.permissions.code
        ? (code: string) => {
          const fn = compileRuleFunction(code, "pattern");
          return (...args: unknown[]) => {
            try {
              return fn(...args);
            } catch (e) {
              // as SEC logs a PerlFunc that dies; the pattern does not match
              const msg = e instanceof Error ? e.message : String(e);
              this.#logger.log(2, `PerlFunc pattern runtime error: ${msg}`);
              return undefined;
            }
          };
        }
        : undefined,
    };
  }

  /** Installs every action handler of this runtime into `x`. */
  install(x: ActionExecutor): void {
    x.use(allActionHandlers(x, this));
  }

  /** Lets addinput/dropinput add and drop files of `inputs` (only files added that way can be dropped). */
  useInputs(inputs: InputManager): void {
    const added = new Set<string>();
    this.inputs = {
      add: (file, offset, context) => {
        added.add(file);
        inputs.addFile(file, offset === "-" ? "end" : parseInt(offset, 10), context);
      },
      drop: (file) => {
        if (!added.has(file)) {
          this.#logger.log(3, `dropinput: ${file} was not added with addinput, not dropped`);
          return;
        }
        added.delete(file);
        inputs.dropFile(file);
      },
    };
  }

  /** Makes sigemul queue commands like the real signals do. */
  useControl(push: (command: ControlCommand, via: string) => void): void {
    this.signal = (name) => {
      const c = SIGNAL_COMMANDS[name];
      if (c !== undefined) push({ ...c }, `SIG${name} (sigemul)`);
    };
  }

  /** Hands an engine its ports: children, sockets, permissions, and the code cache. */
  attach(engine: Engine): void {
    engine.ports = {
      children: this.children,
      sockets: this.sockets,
      permissions: this.permissions,
    };
    engine.code = this.code;
  }

  /** Hands child output and exits to the engine (main loop, between events). */
  deliver(engine: Engine): void {
    if (!this.children.pending) return;
    this.children.deliver(engine);
    engine.drainSynthetic();
  }

  /**
   * After start-up: prepares Unix sockets (when sockets may be used) and
   * revokes the Deno permissions the command line did not grant.
   */
  lockDown(): RevokeResult {
    if (this.permissions.anyNet) {
      const err = initUnixSockets();
      if (err !== undefined) this.#logger.log(3, err);
    }
    return revokeUngranted(
      this.permissions,
      { timeoutScript: this.#opts.timeoutScript !== undefined && this.#opts.inputTimeout > 0 },
      this.#logger,
    );
  }

  /** Shutdown: terminates children (--childterm) and closes sockets. */
  shutdown(): void {
    this.children.markExiting();
    if (this.childterm) this.children.terminateAll();
    this.sockets.closeAll();
  }

  /** At exit: lets pending writes to children's standard input finish (bounded). */
  feedsDone(): Promise<void> {
    return this.children.feedsDone(5000);
  }
}
