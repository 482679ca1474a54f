// What the VSIX may hold, and a reader for its listing. Issue 3: the package holds only dist/, media/,
// package.json, README, LICENSE and CHANGELOG, stays under 1 MB, and every file the manifest points at
// (main, JSON schemas, icons) must be inside it. Used by scripts/package.ts after `vsce package` and by
// test/unit/vsixListing.test.ts. A VSIX is a zip: the listing comes from its central directory.
import * as fs from 'node:fs';

export const MAX_VSIX_BYTES = 1024 * 1024;

// Paths inside the zip. vsce adds the two VSIX metadata files and puts the extension under extension/.
const ALLOWED: RegExp[] = [
  /^extension\.vsixmanifest$/,
  /^\[Content_Types\]\.xml$/,
  /^extension\/package\.json$/,
  /^extension\/README\.md$/i,
  /^extension\/LICENSE(\.txt|\.md)?$/i,
  /^extension\/CHANGELOG\.md$/i,
  /^extension\/dist\/(?!.*\.map$).+/,
  /^extension\/media\/.+/,
];
// the schema is read by the extension itself (src/views/specLanguage.ts), not named in the manifest
const REQUIRED = ['extension/package.json', 'extension/README.md', 'extension/CHANGELOG.md', 'extension/dist/extension.js', 'extension/dist/schemas/lstm-spec.schema.json'];

export interface ZipEntry { name: string; size: number; compressedSize: number }

/** Entries of a zip file, from its central directory (no decompression). */
export function readZipEntries(file: string): ZipEntry[] {
  const zip = fs.readFileSync(file);
  // End of central directory record: signature 0x06054b50, at most 22 + 65535 bytes from the end.
  let eocd = -1;
  for (let i = zip.length - 22; i >= Math.max(0, zip.length - 22 - 65535); i--) {
    if (zip.readUInt32LE(i) === 0x06054b50) { eocd = i; break; }
  }
  if (eocd < 0) throw new Error(`${file} is not a zip file`);
  const count = zip.readUInt16LE(eocd + 10);
  let offset = zip.readUInt32LE(eocd + 16);
  const entries: ZipEntry[] = [];
  for (let k = 0; k < count; k++) {
    if (zip.readUInt32LE(offset) !== 0x02014b50) throw new Error(`${file}: bad central directory entry ${k}`);
    const compressedSize = zip.readUInt32LE(offset + 20);
    const size = zip.readUInt32LE(offset + 24);
    const nameLength = zip.readUInt16LE(offset + 28);
    const extraLength = zip.readUInt16LE(offset + 30);
    const commentLength = zip.readUInt16LE(offset + 32);
    const name = zip.toString('utf8', offset + 46, offset + 46 + nameLength);
    if (!name.endsWith('/')) entries.push({ name, size, compressedSize });
    offset += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

/** Relative files the manifest refers to, which must ship: main, jsonValidation urls (if any), icons, walkthrough media. */
export function manifestFiles(manifest: Record<string, unknown>): string[] {
  const files: string[] = [];
  const add = (p: unknown) => {
    if (typeof p !== 'string' || /^[a-z][a-z0-9+.-]*:/i.test(p) || p.startsWith('$(')) return;
    files.push(p.replace(/^\.\//, ''));
  };
  const main = manifest.main;
  if (typeof main === 'string') add(/\.[cm]?js$/.test(main) ? main : main + '.js');
  add(manifest.icon);
  const contributes = (manifest.contributes ?? {}) as Record<string, unknown>;
  for (const v of (contributes.jsonValidation ?? []) as { url?: unknown }[]) add(v.url);
  const containers = (contributes.viewsContainers ?? {}) as Record<string, { icon?: unknown }[]>;
  for (const list of Object.values(containers)) for (const c of list) add(c.icon);
  const icon = (value: unknown) => {
    if (value && typeof value === 'object') { add((value as { light?: unknown }).light); add((value as { dark?: unknown }).dark); }
    else add(value);
  };
  for (const c of (contributes.commands ?? []) as { icon?: unknown }[]) icon(c.icon);
  const views = (contributes.views ?? {}) as Record<string, { icon?: unknown }[]>;
  for (const list of Object.values(views)) for (const v of list) icon(v.icon);
  // walkthroughs: the icon and every step's svg, markdown or image (a path, or one per theme kind)
  for (const w of (contributes.walkthroughs ?? []) as { icon?: unknown; steps?: { media?: Record<string, unknown> }[] }[]) {
    add(w.icon);
    for (const step of w.steps ?? []) {
      const media = step.media ?? {};
      add(media.svg); add(media.markdown);
      const image = media.image;
      if (image && typeof image === 'object') for (const kind of ['light', 'dark', 'hc', 'hcLight']) add((image as Record<string, unknown>)[kind]);
      else add(image);
    }
  }
  return files;
}

/** Everything wrong with a VSIX: entries outside the allow-list, missing files, size. Empty = fine. */
export function vsixProblems(entries: ZipEntry[], vsixBytes: number, manifest: Record<string, unknown>): string[] {
  const problems: string[] = [];
  const names = new Set(entries.map(e => e.name));
  for (const e of entries) if (!ALLOWED.some(re => re.test(e.name))) problems.push(`not allowed in the VSIX: ${e.name}`);
  // vsce stores README.md and CHANGELOG.md as readme.md and changelog.md
  const lowerNames = new Set(entries.map(e => e.name.toLowerCase()));
  for (const name of REQUIRED) if (!lowerNames.has(name.toLowerCase())) problems.push(`missing from the VSIX: ${name}`);
  if (![...names].some(n => /^extension\/LICENSE(\.txt|\.md)?$/i.test(n))) problems.push('missing from the VSIX: LICENSE');
  for (const file of manifestFiles(manifest)) {
    if (!names.has('extension/' + file)) problems.push(`package.json refers to ${file}, which is not in the VSIX`);
  }
  if (vsixBytes >= MAX_VSIX_BYTES) problems.push(`the VSIX is ${vsixBytes} bytes, over 1 MB`);
  return problems;
}
