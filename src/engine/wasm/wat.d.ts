// `.wat` imports: the build (scripts/wat.mjs) assembles the WebAssembly text and the import
// yields the module's bytes.

declare module '*.wat' {
  const bytes: Uint8Array;
  export default bytes;
}
