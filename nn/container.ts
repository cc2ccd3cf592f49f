/** Containers, as `torch.nn.Sequential` and `torch.nn.ModuleList`. */
import { NormgradError, Tensor, ValueError } from '../core/index.ts';
import { Module } from './module.ts';

/** Reads position i (negative counts from the end) from a container's children, naming the container. */
function childAt(who: Module, mods: Module[], i: number): Module {
  const n = mods.length;
  if (!Number.isInteger(i) || i < -n || i >= n) {
    throw new ValueError(`${who.name}: index ${i} is out of range for ${n} module${n === 1 ? '' : 's'}`);
  }
  return mods[i < 0 ? i + n : i]!;
}

/**
 * Runs its modules in order, each on the previous one's output, as
 * `torch.nn.Sequential`. Children are named "0", "1", ... (or by the keys of a
 * record), so parameters are `0.weight`, `1.running_mean`, as in PyTorch.
 */
export class Sequential extends Module implements Iterable<Module> {
  constructor(...modules: Module[] | [Record<string, Module>]) {
    super();
    const first = modules[0];
    if (modules.length === 1 && first !== undefined && !(first instanceof Module)) {
      for (const [name, m] of Object.entries(first)) this.registerModule(name, m);
    } else {
      for (const m of modules as Module[]) this.append(m);
    }
  }

  /** Number of child modules, as `len(seq)`. */
  get length(): number {
    return this._modules.size;
  }

  /** The module at position i; negative i counts from the end, as `seq[i]`. */
  at(i: number): Module {
    return childAt(this, [...this._modules.values()], i);
  }

  /** A new Sequential of the modules in [start, end), as `seq[start:end]` (the modules are shared). */
  slice(start?: number, end?: number): Sequential {
    return new Sequential(...[...this._modules.values()].slice(start, end));
  }

  /** Adds a module at the end under the next index, as `seq.append(m)`. */
  append(module: Module): this {
    if (!(module instanceof Module)) {
      throw new ValueError(`${this.name}.append: expected a Module, got ${String(module)}`);
    }
    this.registerModule(String(this.length), module);
    return this;
  }

  /** The child modules in order. */
  [Symbol.iterator](): Iterator<Module> {
    return this._modules.values();
  }

  forward(input: Tensor): Tensor {
    let x: unknown = input;
    for (const m of this._modules.values()) x = m.forward(x);
    if (!(x instanceof Tensor)) {
      throw new ValueError(`${this.name}: the last module returned ${typeof x}, not a Tensor`);
    }
    return x;
  }
}

/** Holds modules in a list so their parameters are registered, as `torch.nn.ModuleList`; it has no forward. */
export class ModuleList extends Module implements Iterable<Module> {
  constructor(modules: Iterable<Module> = []) {
    super();
    this.extend(modules);
  }

  /** Number of modules, as `len(modules)`. */
  get length(): number {
    return this._modules.size;
  }

  /** The module at position i; negative i counts from the end, as `modules[i]`. */
  at(i: number): Module {
    return childAt(this, [...this._modules.values()], i);
  }

  /** Adds a module at the end, as `modules.append(m)`. */
  append(module: Module): this {
    if (!(module instanceof Module)) {
      throw new ValueError(`${this.name}.append: expected a Module, got ${String(module)}`);
    }
    this.registerModule(String(this.length), module);
    return this;
  }

  /** Appends each module in order, as `modules.extend(ms)`. */
  extend(modules: Iterable<Module>): this {
    for (const m of modules) this.append(m);
    return this;
  }

  /** The modules in order. */
  [Symbol.iterator](): Iterator<Module> {
    return this._modules.values();
  }

  forward(): never {
    throw new NormgradError(`${this.name}: has no forward; iterate over it and call each module's forward`);
  }
}
