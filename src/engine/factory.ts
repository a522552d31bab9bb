/**
 * Building an engine: one recipe shared by the correlator (runtime/app.ts),
 * the operation test harness and the benchmarks, so that they test and
 * measure the engine the program runs. The engine gets an action executor
 * with the core actions, then (with an action runtime) the full handler
 * table and its ports, then the correlating rule types (operations/).
 *
 * @module
 */
import type { PatternOptions } from "../lang/patterns.ts";
import { ActionExecutor } from "./actions/executor.ts";
import { Engine, type EngineOptions } from "./engine.ts";
import { installOperations } from "./operations/mod.ts";
import type { OutputSink } from "./ports.ts";

/** What installs the actions needing the world and hands an engine its ports (runtime/action_runtime.ts). */
export interface EngineRuntime {
  /** Installs every action handler into `x`. */
  install(x: ActionExecutor): void;
  /** Hands `engine` its ports (children, sockets, permissions) and the code cache. */
  attach(engine: Engine): void;
}

/** How to build an engine. */
export interface EngineSetup {
  /** The engine's settings. */
  options: EngineOptions;
  /** Output files of the write actions. */
  outputs: OutputSink;
  /** The action runtime (absent: the core and window actions only, no ports). */
  runtime?: EngineRuntime;
  /** The options the rules are loaded with (pattern2 templates). */
  patternOptions?: PatternOptions;
}

/** A new engine with its executor, actions, ports and operations; rules are set by the caller. */
export function createEngine(setup: EngineSetup): Engine {
  const engine = new Engine(setup.options);
  const executor = new ActionExecutor({ outputs: setup.outputs });
  setup.runtime?.install(executor);
  setup.runtime?.attach(engine);
  engine.actions = executor;
  if (setup.patternOptions !== undefined) engine.patternOptions = setup.patternOptions;
  installOperations(engine, executor);
  return engine;
}
