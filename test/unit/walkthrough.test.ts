// The first-steps walkthrough (package.json contributes.walkthroughs) and the example picker's
// texts. The walkthrough is checked against VS Code 1.100's contribution schema for walkthroughs
// (the required keys, one kind of media per step with no other keys, an image either one path or
// one per theme kind), and against the extension itself: every media file ships (the VSIX
// listing's manifestFiles) and exists, every SVG takes its colours from the theme, every
// `command:` link and onCommand completion event names a command the extension registers (the
// command table) or VS Code has, every onView a contributed view, every example an argument
// names is shipped, and each step ticks off when its own button runs.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { manifestFiles } from '../../scripts/vsixListing';
import { COMMAND_TABLE } from '../../src/commands';
import { SEED_EXAMPLE, compareExamples, summarizeExample } from '../../src/views/newSpecExamples';

const repoRoot = path.resolve(__dirname, '..', '..');
const manifest = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8'));
const contributes = manifest.contributes;
const examplesDir = path.join(repoRoot, 'examples');
const exampleFiles = fs.readdirSync(examplesDir).filter(name => name.endsWith('.lstm.json')).sort();

/** VS Code's own commands the walkthrough may run. */
const BUILT_IN_COMMANDS = new Set(['workbench.action.debug.start', 'workbench.view.debug', 'workbench.action.openWalkthrough']);

interface Step { id: string; title: string; description?: string; media: Record<string, unknown>; completionEvents?: string[]; [key: string]: unknown }
interface Walkthrough { id: string; title: string; description: string; steps: Step[]; [key: string]: unknown }
const walkthroughs: Walkthrough[] = contributes.walkthroughs;

const views: string[] = Object.values(contributes.views as Record<string, { id: string }[]>).flat().map(v => v.id);
function isKnownCommand(id: string): boolean {
  return COMMAND_TABLE.some(entry => entry.id === id) || BUILT_IN_COMMANDS.has(id)
    || views.some(view => id === `${view}.focus`);
}

/** The `command:` links of a markdown text: id and decoded JSON arguments (an array, as VS Code passes them). */
function commandLinks(text: string): { id: string; args: unknown[] }[] {
  return [...text.matchAll(/\]\(command:(?:toSide:)?([\w.-]+)(?:\?([^)]*))?\)/g)].map(([, id, query]) => {
    const args = query === undefined ? [] : JSON.parse(decodeURIComponent(query));
    return { id, args: Array.isArray(args) ? args : [args] };
  });
}

describe('walkthrough (contributes.walkthroughs)', () => {
  it('has the shape of VS Code 1.100\'s walkthroughs contribution schema', () => {
    assert.ok(Array.isArray(walkthroughs) && walkthroughs.length > 0, 'no walkthrough');
    for (const walkthrough of walkthroughs) {
      for (const key of ['id', 'title', 'description']) assert.equal(typeof walkthrough[key], 'string', `walkthrough ${key}`);
      for (const key of Object.keys(walkthrough)) assert.ok(['id', 'title', 'icon', 'description', 'featuredFor', 'when', 'steps'].includes(key), `unknown walkthrough key ${key}`);
      assert.ok(Array.isArray(walkthrough.steps) && walkthrough.steps.length > 0);
      const ids = walkthrough.steps.map(step => step.id);
      assert.equal(new Set(ids).size, ids.length, `step ids repeat: ${ids}`);
      for (const step of walkthrough.steps) {
        for (const key of ['id', 'title']) assert.equal(typeof step[key], 'string', `${step.id}: ${key}`);
        assert.equal(typeof step.description, 'string', `${step.id}: description`);
        // button and doneOn are deprecated: links in the description and completionEvents replace them
        for (const key of Object.keys(step)) assert.ok(['id', 'title', 'description', 'media', 'completionEvents', 'when'].includes(key), `${step.id}: key ${key}`);
        const media = step.media;
        assert.ok(media && typeof media === 'object', `${step.id}: media is required`);
        const kinds = ['image', 'svg', 'markdown'].filter(kind => kind in media);
        assert.equal(kinds.length, 1, `${step.id}: exactly one of image, svg, markdown`);
        const allowed = kinds[0] === 'markdown' ? ['markdown'] : [kinds[0], 'altText'];
        assert.deepEqual(Object.keys(media).sort(), allowed.sort(), `${step.id}: media keys (additionalProperties: false)`);
        if (kinds[0] !== 'markdown') assert.ok(typeof media.altText === 'string' && media.altText.length > 20, `${step.id}: altText`);
        if (kinds[0] === 'image' && typeof media.image !== 'string') {
          assert.deepEqual(Object.keys(media.image as object).sort(), ['dark', 'hc', 'hcLight', 'light'], `${step.id}: an image per theme kind needs all four`);
        }
        for (const event of step.completionEvents ?? []) {
          assert.match(event, /^(onCommand|onLink|onView|onSettingChanged|onContext|onExtensionInstalled):\S.*$|^onStepSelected$/, `${step.id}: completion event ${event}`);
        }
      }
    }
  });

  it('ships every media file it names, and each exists', () => {
    const shipped = manifestFiles(manifest);
    for (const step of walkthroughs.flatMap(w => w.steps)) {
      const media = step.media;
      const files = [media.svg, media.markdown, ...(typeof media.image === 'object' && media.image ? Object.values(media.image) : [media.image])]
        .filter((file): file is string => typeof file === 'string');
      assert.ok(files.length > 0, `${step.id} names no media file`);
      for (const file of files) {
        assert.ok(shipped.includes(file), `${file} is not in the VSIX listing`);
        assert.ok(fs.existsSync(path.join(repoRoot, file)), `${step.id}: ${file} does not exist`);
      }
    }
  });

  it('draws every SVG in the theme\'s colours, with nothing the walkthrough\'s webview would block', () => {
    for (const step of walkthroughs.flatMap(w => w.steps)) {
      if (typeof step.media.svg !== 'string') continue;
      const svg = fs.readFileSync(path.join(repoRoot, step.media.svg), 'utf8');
      assert.match(svg, /^<svg [^>]*viewBox="[\d. ]+"/, `${step.media.svg}: an <svg> with a viewBox (the walkthrough scales it)`);
      // the webview's CSP allows no scripts, no <style> without its nonce, and no external images
      assert.doesNotMatch(svg, /<script|<style|<image|href="http|<foreignObject/i, `${step.media.svg}: blocked content`);
      const colours = [...svg.matchAll(/\s(fill|stroke)="([^"]*)"/g)].map(m => m[2]);
      assert.ok(colours.length > 10, `${step.media.svg}: draws something`);
      for (const colour of colours) assert.match(colour, /^(none|var\(--vscode-[\w-]+(, #[0-9a-f]{3,8})?\))$/i, `${step.media.svg}: colour ${colour} is not a theme colour`);
    }
  });

  it('links and completes only commands the extension or VS Code has, with arguments that exist', () => {
    for (const step of walkthroughs.flatMap(w => w.steps)) {
      const links = commandLinks(step.description ?? '');
      assert.ok(links.length > 0, `${step.id}: no button (the step would tick off on selection alone)`);
      for (const { id, args } of links) {
        assert.ok(isKnownCommand(id), `${step.id}: command:${id} is not a registered command`);
        if (id === 'lstm.newSpecFromExample' && args.length) assert.ok(exampleFiles.includes(String(args[0])), `${step.id}: no example ${args[0]}`);
      }
      const onCommand = (step.completionEvents ?? []).filter(e => e.startsWith('onCommand:')).map(e => e.slice('onCommand:'.length));
      for (const id of onCommand) assert.ok(isKnownCommand(id), `${step.id}: onCommand:${id} is not a registered command`);
      for (const event of (step.completionEvents ?? []).filter(e => e.startsWith('onView:'))) assert.ok(views.includes(event.slice('onView:'.length)), `${step.id}: ${event}`);
      // the step's own button ticks it off
      assert.ok(links.some(link => onCommand.includes(link.id)), `${step.id}: none of its buttons (${links.map(l => l.id)}) completes it (${onCommand})`);
    }
  });

  it('is offered by the States view\'s welcome, by its full id, next to commands that exist', () => {
    const welcome = (contributes.viewsWelcome as { view: string; contents: string }[]).find(w => w.view === 'lstm.states');
    assert.ok(welcome, 'no welcome content for the States view');
    const links = commandLinks(welcome.contents);
    for (const { id } of links) assert.ok(isKnownCommand(id), `command:${id} is not a registered command`);
    const open = links.find(link => link.id === 'workbench.action.openWalkthrough');
    assert.ok(open, 'the welcome does not offer the walkthrough');
    assert.deepEqual(open.args, [`${manifest.publisher}.${manifest.name}#${walkthroughs[0].id}`]);
  });

  it('starts with the seed example and ends by training, in the order of a first session', () => {
    const steps = walkthroughs[0].steps;
    assert.deepEqual(commandLinks(steps[0].description ?? '')[0], { id: 'lstm.newSpecFromExample', args: [SEED_EXAMPLE] });
    const firstCommands = steps.map(step => commandLinks(step.description ?? '')[0]?.id);
    assert.deepEqual(firstCommands, ['lstm.newSpecFromExample', 'lstm.step', 'lstm.openChartPanel', 'lstm.runBackward', 'lstm.debugSpec', 'lstm.newSpecFromExample']);
    assert.ok(commandLinks(steps[steps.length - 1].description ?? '').some(link => link.id === 'lstm.train'));
  });
});

describe('example picker (New Spec from Example)', () => {
  it('shows each example\'s own name and description, read from its file', () => {
    for (const fileName of exampleFiles) {
      const text = fs.readFileSync(path.join(examplesDir, fileName), 'utf8');
      const parsed = JSON.parse(text);
      const summary = summarizeExample(fileName, text);
      assert.equal(summary.label, parsed.name, fileName);
      assert.equal(summary.detail, parsed.description, fileName);
      assert.equal(summary.description, `${parsed.cell ?? 'lstm'} · ${fileName}`);
    }
  });

  it('reads a spec with comments and survives one that does not parse', () => {
    const summary = summarizeExample('x.lstm.json', '// a note\n{ "name": "N", /* c */ "cell": "gru", "description": "D", }');
    assert.deepEqual(summary, { fileName: 'x.lstm.json', label: 'N', description: 'gru · x.lstm.json', detail: 'D' });
    assert.deepEqual(summarizeExample('y.lstm.json', '{ "name": 3'), { fileName: 'y.lstm.json', label: 'y.lstm.json', description: 'lstm · y.lstm.json', detail: undefined });
  });

  it('lists the seed example first, then by file name', () => {
    const sorted = [...exampleFiles].reverse().map(fileName => ({ fileName })).sort(compareExamples).map(e => e.fileName);
    assert.equal(sorted[0], SEED_EXAMPLE);
    assert.deepEqual(sorted.slice(1), exampleFiles.filter(f => f !== SEED_EXAMPLE));
  });

  it('every example\'s description says what to look at, in its first sentence', () => {
    for (const fileName of exampleFiles) {
      const description: string = JSON.parse(fs.readFileSync(path.join(examplesDir, fileName), 'utf8')).description;
      assert.ok(description && description.length > 60, `${fileName} has no description`);
      // the picker shows one line: what to do and watch comes first, not only what the spec is
      const firstSentence = description.split(/(?<=[.!?])\s/)[0];
      assert.match(firstSentence, /\b(step|run backward|train|compare|watch|look)/i, `${fileName}: the first sentence does not say what to look at: ${firstSentence}`);
    }
  });
});
