/**
 * How a module's forward runs, as PyTorch's `Module.__call__` around `forward`:
 * inside the module's path scope, after its forward pre-hooks, and with errors
 * that name the module. `Module`'s constructor wraps the instance's `forward`
 * so that every call, whether a user calls `model.forward(x)` or a container
 * or a parent calls its child's forward, runs inside `withScope(path, ...)`,
 * where path is the module's dotted name in its tree followed by its class
 * (`"layers.2.bn (BatchNorm1d)"`; the root is just `"Sequential"`). Anomaly
 * detection then names the module an op ran in. The path follows the parent
 * links set by `registerModule` (the latest parent wins for a module registered
 * twice). `forward` stays the one entry point.
 */
import { AnomalyError, NormgradError, withScope } from '../core/index.ts';
import type { Module } from './module.ts';

/**
 * Runs before a module's forward with the module and its arguments, as PyTorch's
 * forward pre-hook; returning an array replaces the arguments.
 */
export type ForwardPreHook = (module: Module, args: unknown[]) => unknown[] | undefined;

/** Errors that already name the module they were thrown in (by the innermost non-root module). */
const located = new WeakSet<Error>();

/**
 * Appends `in module 'layers.2.bn (BatchNorm1d)'` to a normgrad error thrown inside
 * a child module's forward, so a shape error in the fifth of five Linear layers
 * says which one. AnomalyError names its module already; other errors pass as they are.
 */
function locate(e: unknown, label: string): unknown {
  if (e instanceof NormgradError && !(e instanceof AnomalyError) && !located.has(e)) {
    const head = `${e.name}: ${e.message}`;
    e.message += ` in module '${label}'`;
    // The stack's first line is the message as it was when something first read the stack.
    if (e.stack?.startsWith(`${head}\n`)) e.stack = `${e.name}: ${e.message}${e.stack.slice(head.length)}`;
    located.add(e);
  }
  return e;
}

/**
 * Replaces `module.forward` by a wrapper that runs the original in the module's
 * scope on the arguments `preHooks` returns, and locates errors from a child.
 */
export function scopeForward(module: Module, preHooks: (args: unknown[]) => unknown[]): void {
  const forward = module.forward;
  Object.defineProperty(module, 'forward', {
    configurable: true,
    writable: true,
    value: (...args: unknown[]) => {
      const label = scopeLabel(module);
      try {
        return withScope(label, () => forward.apply(module, preHooks(args)));
      } catch (e) {
        throw module.path === '' ? e : locate(e, label);
      }
    },
  });
}

function scopeLabel(module: Module): string {
  const p = module.path;
  return p === '' ? module.name : `${p} (${module.name})`;
}
