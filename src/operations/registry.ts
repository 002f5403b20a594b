/**
 * The plugin registry of central operations: `plugin.module.function` → a TypeScript function.
 * The built-in `stratus` plugin is always registered; other plugins register their functions here
 * (a plugin without a registered function fails its operations with a clear, non-recoverable
 * message instead of hanging).
 */
import type { OperationFunction } from './context';
import { NonRecoverableError } from './context';
import { STRATUS_BUILTINS } from './builtins';

export class OperationRegistry {
  private readonly functions = new Map<string, OperationFunction>();

  constructor(withBuiltins = true) {
    if (withBuiltins) for (const [name, fn] of Object.entries(STRATUS_BUILTINS)) this.register(`stratus.${name}`, fn);
  }

  /** `name` is `plugin.module.function` (the plugin and the operation's `module.function`). */
  register(name: string, fn: OperationFunction): this {
    if (!/^[\w-]+(\.[\w-]+)+$/.test(name)) throw new Error(`Invalid operation name ${JSON.stringify(name)}: expected plugin.module.function`);
    this.functions.set(name, fn);
    return this;
  }

  has(name: string): boolean {
    return this.functions.has(name);
  }

  resolve(plugin: string, operation: string): OperationFunction {
    const name = `${plugin}.${operation}`;
    const fn = this.functions.get(name);
    if (!fn) {
      throw new NonRecoverableError(
        `No central operation ${operation} in plugin ${plugin}: Stratus runs central operations by name through its plugin registry, and ${name} is not registered (registered: ${[...this.functions.keys()].join(', ')})`,
      );
    }
    return fn;
  }
}
