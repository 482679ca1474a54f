// jsfive ships no type declarations; keras.ts uses only File (a Group) and narrows it itself.
declare module 'jsfive' {
  export class File {
    constructor(buffer: ArrayBuffer, filename?: string);
  }
}
