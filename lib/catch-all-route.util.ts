// Nest 11+ (path-to-regexp 8) wants a named wildcard; Nest 10 the bare '*'.
// Reading the installed core's version avoids the LegacyRouteConverter warning.
export function catchAllRoutePath(): string {
  try {
    const { version } = require('@nestjs/core/package.json') as { version: string };
    return Number.parseInt(version, 10) >= 11 ? '{*path}' : '*';
  } catch {
    return '{*path}';
  }
}
