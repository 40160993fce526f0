// The slice of the WebAssembly JS API this backend uses. Declared here because the package builds
// against ES2022 alone (no DOM or Node types), and a global declaration would leak into users'
// types through the .d.ts files.

/** A WebAssembly.Memory. @internal */
export interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}

/** A compiled WebAssembly.Module (opaque; posted to helper threads as is). @internal */
export interface WasmModule {
  readonly __wasmModule?: never;
}

interface WasmApi {
  Memory: new (descriptor: { initial: number; maximum: number; shared?: boolean }) => WasmMemory;
  Module: new (bytes: Uint8Array) => WasmModule;
  validate(bytes: Uint8Array): boolean;
  Instance: new (
    module: WasmModule,
    imports: { env: { memory: WasmMemory } },
  ) => { exports: Record<string, unknown> };
}

/** The host's WebAssembly object, or undefined where there is none. @internal */
export function wasmApi(): WasmApi | undefined {
  return (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;
}
