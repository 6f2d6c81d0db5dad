import type { LogLevel } from '@nestjs/common';

/** A Nest log call split the way Nest's own ConsoleLogger splits it. */
export interface ParsedLogCall {
  messages: unknown[];
  context?: string;
  /** Only for `error`: the stack argument (a string, or the facade's `undefined` placeholder). */
  stack?: string;
}

const STACK_FORMAT = /^(.)+\n\s+at .+:\d+:\d+/;

/** A string shaped like a V8 stack trace (first line, then an indented `at …:line:col`). */
export function isStackFormat(value: unknown): value is string {
  return typeof value === 'string' && STACK_FORMAT.test(value);
}

function splitContext(args: unknown[], defaultContext?: string): ParsedLogCall {
  if (args.length <= 1) return { messages: args, context: defaultContext };
  const last = args[args.length - 1];
  if (typeof last !== 'string') return { messages: args, context: defaultContext };
  return { messages: args.slice(0, -1), context: last };
}

/**
 * Parses `(message, ...optionalParams)` from the end, as ConsoleLogger does:
 * a trailing string (with more than one argument) is the context; for `error`
 * the argument before it is the stack when it is a string or `undefined` (the
 * placeholder the `Logger` facade adds); every other argument is a message.
 * Covers Nest 10's `error(message, stack)` and Nest 11's `error(errorObject)`.
 */
export function parseLogArguments(level: LogLevel, args: unknown[], defaultContext?: string): ParsedLogCall {
  if (level !== 'error') return splitContext(args, defaultContext);
  if (args.length === 2) {
    return isStackFormat(args[1]) ? { messages: [args[0]], stack: args[1], context: defaultContext } : splitContext(args, defaultContext);
  }
  const parsed = splitContext(args, defaultContext);
  if (parsed.messages.length <= 1) return parsed;
  const last = parsed.messages[parsed.messages.length - 1];
  if (last !== undefined && typeof last !== 'string') return parsed;
  return { messages: parsed.messages.slice(0, -1), context: parsed.context, stack: last as string | undefined };
}
