import type { Type } from '@nestjs/common';
import type { IncidentTarget } from '../interfaces/incident-target.interface';

/** A class of the `targets` option still to be created, with its position in the option. */
export interface PendingTargetClass {
  index: number;
  type: Type<IncidentTarget>;
}

/**
 * The dispatcher's targets, in the order of the `targets` option. An instance
 * is ready from the start; a class is a pending slot until it has been created
 * through Nest's DI and the application has initialised every provider
 * (`IncidentTargetsLifecycle`). Filling a slot tells the dispatcher, which then
 * writes it the incidents raised while it was pending.
 */
export class TargetList {
  private readonly slots: Array<IncidentTarget | undefined>;
  private readonly classes: PendingTargetClass[] = [];
  private pendingCount = 0;
  private filled: ((target: IncidentTarget, index: number) => void) | undefined;

  constructor(entries: ReadonlyArray<IncidentTarget | Type<IncidentTarget>>) {
    this.slots = entries.map((entry, index) => {
      if (typeof entry !== 'function') return entry;
      this.classes.push({ index, type: entry });
      this.pendingCount++;
      return undefined;
    });
  }

  /** Classes not created yet. */
  get pending(): number {
    return this.pendingCount;
  }

  /** The classes still to create, in option order. */
  pendingClasses(): PendingTargetClass[] {
    return this.classes.filter(({ index }) => this.slots[index] === undefined);
  }

  /** Class name of the entry at `index` (pending or not), for messages. */
  nameAt(index: number): string {
    const entry = this.slots[index] ?? this.classes.find((pending) => pending.index === index)?.type;
    const name = typeof entry === 'function' ? entry.name : (entry as object | undefined)?.constructor?.name;
    return name || 'target';
  }

  /** Calls `fn` for every ready target with its index in the option. */
  forEach(fn: (target: IncidentTarget, index: number) => void): void {
    this.slots.forEach((target, index) => {
      if (target !== undefined) fn(target, index);
    });
  }

  /** The ready targets mapped through `fn` (with their index in the option). */
  map<T>(fn: (target: IncidentTarget, index: number) => T): T[] {
    const results: T[] = [];
    this.forEach((target, index) => results.push(fn(target, index)));
    return results;
  }

  /** Puts the created instance of a pending class in its slot. */
  fill(index: number, target: IncidentTarget): void {
    if (this.slots[index] !== undefined || !this.classes.some((pending) => pending.index === index)) {
      throw new Error(`IncidentLoggerModule: targets[${index}] is not a pending target class`);
    }
    this.slots[index] = target;
    this.pendingCount--;
    this.filled?.(target, index);
  }

  /** The dispatcher's hook: a pending slot was filled. One listener. */
  onFill(listener: (target: IncidentTarget, index: number) => void): void {
    this.filled = listener;
  }
}
