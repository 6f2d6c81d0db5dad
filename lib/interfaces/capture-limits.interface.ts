/**
 * Bounds applied when a logged value is captured into a record
 * (`IncidentLoggerModuleOptions.captureLimits`). Whatever is logged, a record
 * costs at most about these sizes, and holds no reference to the value.
 * @publicApi
 */
export interface CaptureLimits {
  /**
   * Longest string kept, in characters (message, string value, key, Error
   * message); longer ones are cut with `…[truncated N chars]`. Stacks, with
   * their `Caused by:` sections, may be 4 times longer. At least 16.
   * @default 8192
   */
  maxStringLength: number;
  /**
   * Levels of objects and arrays expanded (the logged value is level 1);
   * deeper ones are summarised as `"[Object]"`, `"[Array(3)]"`,
   * `"[TypeError: message]"`. From 1 to 100.
   * @default 6
   */
  maxDepth: number;
  /**
   * Keys or items kept per object, array, Map or Set; the rest is counted in
   * a `"…": "N more keys"` / `"… N more items"` marker.
   * @default 100
   */
  maxBreadth: number;
  /**
   * Values visited in one logged argument, in total: stops a graph with many
   * shared references (exponential when expanded).
   * @default 1000
   */
  maxNodes: number;
  /**
   * Characters of JSON produced for one logged argument; never exceeded (the
   * last containers are closed with omission markers). At least 256.
   * @default 65536
   */
  maxJsonLength: number;
}

export const DEFAULT_CAPTURE_LIMITS: Readonly<CaptureLimits> = Object.freeze({
  maxStringLength: 8 * 1024,
  maxDepth: 6,
  maxBreadth: 100,
  maxNodes: 1000,
  maxJsonLength: 64 * 1024,
});
