import type { Type } from '@nestjs/common';
import {
  OPTIONAL_DEPS_METADATA,
  OPTIONAL_PROPERTY_DEPS_METADATA,
  PARAMTYPES_METADATA,
  PROPERTY_DEPS_METADATA,
  SELF_DECLARED_DEPS_METADATA,
} from '@nestjs/common/constants';
import type { ModuleRef } from '@nestjs/core';
import type { IncidentTarget } from './interfaces/incident-target.interface';
import { describeFailure } from './shared/hostile-value.util';
import { assertTarget } from './targets/resolve-targets.util';
import type { TargetList } from './targets/target-list';

/** One dependency of a target class, read from the metadata Nest's own injector reads. */
interface Dependency {
  token: unknown;
  optional: boolean;
  /** A constructor parameter's index, or a property's key. */
  at: { parameter: number } | { property: string | symbol };
}

type Lookup = { found: true; value: unknown } | { found: false };

const NOT_FOUND: Lookup = { found: false };

/** `@Inject(forwardRef(() => X))` stores `{ forwardRef }`: the token is what it returns. */
function unwrap(token: unknown): unknown {
  const ref = token as { forwardRef?: unknown } | undefined;
  return typeof ref === 'object' && ref !== null && typeof ref.forwardRef === 'function' ? (ref.forwardRef as () => unknown)() : token;
}

function constructorDependencies(type: Type<IncidentTarget>): Dependency[] {
  const tokens: unknown[] = [...((Reflect.getMetadata(PARAMTYPES_METADATA, type) as unknown[] | undefined) ?? [])];
  const declared = (Reflect.getMetadata(SELF_DECLARED_DEPS_METADATA, type) as Array<{ index: number; param: unknown }> | undefined) ?? [];
  for (const { index, param } of declared) tokens[index] = param;
  const optional = (Reflect.getMetadata(OPTIONAL_DEPS_METADATA, type) as number[] | undefined) ?? [];
  return Array.from(tokens, (token, index) => ({ token: unwrap(token), optional: optional.includes(index), at: { parameter: index } }));
}

function propertyDependencies(type: Type<IncidentTarget>): Dependency[] {
  const properties =
    (Reflect.getMetadata(PROPERTY_DEPS_METADATA, type) as Array<{ key: string | symbol; type: unknown }> | undefined) ?? [];
  const optional = (Reflect.getMetadata(OPTIONAL_PROPERTY_DEPS_METADATA, type) as Array<string | symbol> | undefined) ?? [];
  return properties.map(({ key, type: token }) => ({ token: unwrap(token), optional: optional.includes(key), at: { property: key } }));
}

function describeToken(token: unknown): string {
  if (typeof token === 'function') return token.name || 'an anonymous class';
  if (typeof token === 'string') return `'${token}'`;
  return String(token);
}

function describePlace(dependency: Dependency): string {
  return 'parameter' in dependency.at ? `constructor parameter [${dependency.at.parameter}]` : `property ${String(dependency.at.property)}`;
}

/**
 * What TypeScript emits for a parameter type that is no injection token:
 * `Object` for an interface or `any`, a wrapper for a primitive, `undefined`
 * for a type it could not reference (a type-only or circular import).
 */
const UNTYPED: readonly unknown[] = [undefined, Object, String, Number, Boolean, Symbol, BigInt, Array, Function, Promise];

function untyped(dependency: Dependency): boolean {
  return UNTYPED.includes(dependency.token);
}

function isUnknownElement(error: unknown): boolean {
  // Nest's "could not find X element" (not exported from its public API; same name in Nest 10 and 11).
  return error instanceof Error && error.constructor?.name === 'UnknownElementException';
}

/**
 * Where a target's dependency comes from: first among IncidentLoggerModule's
 * own providers (IncidentLogger, IncidentBuffer, its ModuleRef), then in the
 * whole application, as `app.get(token)` does. `resolve()` returns the
 * instance of a singleton, and a new one of a transient or request-scoped
 * provider.
 */
async function lookup(moduleRef: ModuleRef, token: unknown): Promise<Lookup> {
  for (const strict of [true, false]) {
    try {
      return { found: true, value: await moduleRef.resolve(token as Type<unknown>, undefined, { strict }) };
    } catch (error) {
      if (!isUnknownElement(error)) throw error;
    }
  }
  return NOT_FOUND;
}

/** The message for dependencies nobody provides: what is missing, and what to add where. */
function missingMessage(label: string, missing: Dependency[]): string {
  const sentences: string[] = [];
  const absent = missing.filter((dependency) => !untyped(dependency));
  if (absent.length > 0) {
    const listed = absent.map((dependency) => `${describeToken(dependency.token)} (${describePlace(dependency)})`).join(', ');
    const [only] = absent;
    const what =
      absent.length > 1
        ? 'them'
        : typeof only.token === 'function'
          ? describeToken(only.token)
          : `a provider of ${describeToken(only.token)}`;
    const mark = absent.length > 1 ? 'them' : 'parameter' in only.at ? 'that parameter' : 'that property';
    sentences.push(
      `nothing in the application provides ${listed}. Add ${what} to the providers of a module of the application ` +
        `(for example the module that imports IncidentLoggerModule), or mark ${mark} @Optional().`,
    );
  }
  for (const dependency of missing.filter(untyped)) {
    sentences.push(
      `${describePlace(dependency)} is typed ${describeToken(dependency.token)} at runtime (an interface, a primitive, ` +
        'a type-only or a circular import), which is no provider: inject it with @Inject(token).',
    );
  }
  return `${label} cannot be created: ${sentences.join(' ')}`;
}

/** An existing provider of the class if the app has one, otherwise a new instance built from the app's providers. */
async function createTarget(type: Type<IncidentTarget>, index: number, moduleRef: ModuleRef): Promise<IncidentTarget> {
  const label = `IncidentLoggerModule: targets[${index}] (${type.name || 'anonymous class'})`;
  const fail = (reason: string, cause: unknown) => new Error(`${label} cannot be created: ${reason}: ${describeFailure(cause)}`, { cause });
  let existing: Lookup;
  try {
    existing = await lookup(moduleRef, type);
  } catch (error) {
    throw fail('its provider failed', error);
  }
  if (existing.found) return assertTarget(existing.value, index);

  const parameters = constructorDependencies(type);
  const properties = propertyDependencies(type);
  const values = new Map<Dependency, unknown>();
  const missing: Dependency[] = [];
  for (const dependency of [...parameters, ...properties]) {
    let found: Lookup;
    try {
      found = untyped(dependency) ? NOT_FOUND : await lookup(moduleRef, dependency.token);
    } catch (error) {
      throw fail(`resolving ${describeToken(dependency.token)} (${describePlace(dependency)}) failed`, error);
    }
    if (found.found) values.set(dependency, found.value);
    else if (!dependency.optional) missing.push(dependency);
  }
  if (missing.length > 0) throw new Error(missingMessage(label, missing));

  let instance: IncidentTarget;
  try {
    instance = new type(...parameters.map((dependency) => values.get(dependency)));
  } catch (error) {
    throw fail('its constructor threw', error);
  }
  // As Nest does: properties are set after construction, an absent optional one is left alone.
  for (const dependency of properties) {
    const value = values.get(dependency);
    if (value !== undefined && value !== null && 'property' in dependency.at) {
      (instance as unknown as Record<string | symbol, unknown>)[dependency.at.property] = value;
    }
  }
  return assertTarget(instance, index);
}

/**
 * Creates the target classes still pending in `targets`, once every provider
 * of the app exists. Each constructor or property dependency comes from
 * IncidentLoggerModule's own providers, else from the whole application (as
 * `app.get(token)` finds it); an existing provider of the class itself is
 * reused. Throws, naming every dependency nobody provides, for every target
 * that cannot be created.
 */
export async function createTargets(targets: TargetList, moduleRef: ModuleRef): Promise<Array<[index: number, target: IncidentTarget]>> {
  const created: Array<[number, IncidentTarget]> = [];
  const errors: Error[] = [];
  for (const { index, type } of targets.pendingClasses()) {
    try {
      created.push([index, await createTarget(type, index, moduleRef)]);
    } catch (error) {
      errors.push(error as Error);
    }
  }
  if (errors.length === 1) throw errors[0];
  if (errors.length > 1) throw new Error(errors.map((error) => error.message).join('\n'), { cause: errors });
  return created;
}
