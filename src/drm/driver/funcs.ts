/** Adapting a driver's KMS funcs and private state to the core's objects. */
interface PrivFuncs { initialState?(): unknown; duplicateState?(s: never): unknown }

/** The core's view of a driver's funcs: duplicateState becomes the state clone hook. */
export function coreFuncs(f: object | undefined): object {
  return { ...f, duplicatePriv: (f as PrivFuncs | undefined)?.duplicateState };
}

/** Give a new object's initial state the driver's private state. */
export function withPriv<O extends { state: { priv: unknown } }>(obj: O, f: object | undefined): O {
  obj.state.priv = (f as PrivFuncs | undefined)?.initialState?.();
  return obj;
}
