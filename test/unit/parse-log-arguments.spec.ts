import { isStackFormat, parseLogArguments } from '../../lib/capture/parse-log-arguments.util';

const STACK = 'Error: boom\n    at Object.<anonymous> (/app/x.js:1:7)';

describe('parseLogArguments (Nest ConsoleLogger rules)', () => {
  it('a single argument is the message, whatever its type', () => {
    expect(parseLogArguments('log', ['hello'])).toEqual({ messages: ['hello'], context: undefined });
    expect(parseLogArguments('log', [{ a: 1 }])).toEqual({ messages: [{ a: 1 }], context: undefined });
  });

  it('the Logger facade call log(msg, ctx): trailing string is the context', () => {
    expect(parseLogArguments('debug', ['msg', 'Ctx'])).toEqual({ messages: ['msg'], context: 'Ctx' });
  });

  it('several messages before the context are separate messages', () => {
    expect(parseLogArguments('log', ['a', { b: 1 }, 'c', 'Ctx'])).toEqual({ messages: ['a', { b: 1 }, 'c'], context: 'Ctx' });
  });

  it('a non-string last argument is a message, not a context', () => {
    expect(parseLogArguments('log', ['a', { b: 1 }])).toEqual({ messages: ['a', { b: 1 }], context: undefined });
    expect(parseLogArguments('error', ['a', { b: 1 }])).toEqual({ messages: ['a', { b: 1 }], context: undefined });
  });

  it('facade error without params: (msg, undefined, ctx) — the undefined stack placeholder is dropped', () => {
    expect(parseLogArguments('error', ['failed', undefined, 'Ctx'])).toEqual({ messages: ['failed'], context: 'Ctx', stack: undefined });
  });

  it('Nest 11 ExceptionsHandler: (errorObject, undefined, "ExceptionsHandler")', () => {
    const error = new Error('boom');
    expect(parseLogArguments('error', [error, undefined, 'ExceptionsHandler'])).toEqual({
      messages: [error],
      context: 'ExceptionsHandler',
      stack: undefined,
    });
  });

  it('Nest 10 ExceptionsHandler: (message, stack, "ExceptionsHandler")', () => {
    expect(parseLogArguments('error', ['boom', STACK, 'ExceptionsHandler'])).toEqual({
      messages: ['boom'],
      context: 'ExceptionsHandler',
      stack: STACK,
    });
  });

  it('static Logger.error(message, stack): two arguments, the second shaped like a stack', () => {
    expect(parseLogArguments('error', ['boom', STACK])).toEqual({ messages: ['boom'], stack: STACK, context: undefined });
  });

  it('error(message, context) with two arguments: a non-stack string is the context', () => {
    expect(parseLogArguments('error', ['boom', 'Ctx'])).toEqual({ messages: ['boom'], context: 'Ctx' });
  });

  it('error with several messages, a stack and a context', () => {
    expect(parseLogArguments('error', ['a', 'b', STACK, 'Ctx'])).toEqual({ messages: ['a', 'b'], stack: STACK, context: 'Ctx' });
  });

  it('a facade context is overridden by nothing: the last string wins, as in ConsoleLogger', () => {
    expect(parseLogArguments('warn', ['msg', 'Explicit', 'Facade'])).toEqual({ messages: ['msg', 'Explicit'], context: 'Facade' });
  });

  it('recognises stack-shaped strings only', () => {
    expect(isStackFormat(STACK)).toBe(true);
    expect(isStackFormat('just text')).toBe(false);
    expect(isStackFormat(undefined)).toBe(false);
    expect(isStackFormat({ stack: STACK })).toBe(false);
  });
});
