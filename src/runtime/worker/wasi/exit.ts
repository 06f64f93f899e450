/**
 * The one JavaScript error the shim throws into the guest: proc_exit unwinds the guest's stack
 * with it, and the worker catches it to end the call with the guest's exit code.
 */

/**
 * Thrown by `proc_exit` to unwind the guest; the worker catches it and ends the call with
 * {@link WasiExit.code}. A guest can catch it in wasm (`catch_all`) and carry on, so after the
 * first one every WASI call throws it again.
 */
export class WasiExit extends Error {
  /** The exit code the guest passed to `proc_exit` (a u32; `exit(-1)` reads as 4294967295). */
  readonly code: number;

  constructor(code: number) {
    super(`WASI proc_exit(${code})`);
    this.name = 'WasiExit';
    this.code = code;
  }
}
