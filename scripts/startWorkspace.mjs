// Where `npm start` (scripts/start.mjs) opens VS Code: a scratch copy of examples/ outside the
// repository, so that a new user's edits (code-server saves automatically) never overwrite the
// repository's tracked examples. The copy is made once, when the folder does not exist yet, and is
// kept across starts afterwards: what the user edited there is theirs and is never overwritten.
// `--fresh` (or deleting the folder) starts again from the repository's examples.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** The default place: ~/.cache/lstm-stepper-host/workspace (next to the host's own cache). */
export const defaultScratchDir = (home = os.homedir()) => path.join(home, '.cache', 'lstm-stepper-host', 'workspace');

/** The path with symlinks resolved, through its nearest existing ancestor when it does not exist yet. */
function realPath(p) {
  const absolute = path.resolve(p);
  const rest = [];
  for (let at = absolute; ; at = path.dirname(at)) {
    try {
      return path.join(fs.realpathSync(at), ...rest);
    } catch {
      if (path.dirname(at) === at) return absolute;
      rest.unshift(path.basename(at));
    }
  }
}

/** True when `child` is `parent` or inside it (symlinks resolved). */
export function isInside(child, parent) {
  const relative = path.relative(realPath(parent), realPath(child));
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
}

/**
 * Picks (and, when absent, creates) the scratch workspace. Throws when the chosen folder is inside
 * the repository: the whole point is that edits there cannot touch tracked files.
 * @param {{ repoRoot: string, dir?: string, fresh?: boolean }} options
 * @returns {{ dir: string, created: boolean }} created: copied from examples/ just now
 */
export function prepareScratchWorkspace({ repoRoot, dir = defaultScratchDir(), fresh = false }) {
  const target = path.resolve(dir);
  if (isInside(target, repoRoot)) {
    throw new Error(`the scratch workspace ${target} is inside the repository ${repoRoot}: choose a folder outside it`);
  }
  if (fresh) fs.rmSync(target, { recursive: true, force: true });
  if (fs.existsSync(target)) return { dir: target, created: false };
  fs.mkdirSync(path.dirname(target), { recursive: true });
  // copied into a sibling first, then renamed: an interrupted copy never looks like a workspace
  const partial = `${target}.partial-${process.pid}`;
  fs.rmSync(partial, { recursive: true, force: true });
  fs.cpSync(path.join(repoRoot, 'examples'), partial, { recursive: true });
  fs.renameSync(partial, target);
  return { dir: target, created: true };
}
