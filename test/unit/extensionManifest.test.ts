// The extension's contributions in package.json, checked against issue 3: exact palette titles in
// the "LSTM" category, activation only on the spec language (commands and views activate
// implicitly), Step/Step Back keys that yield to the debugger, and settings with their defaults.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';

const manifest = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8'));
const contributes = manifest.contributes;

describe('extension manifest (package.json contributes)', () => {
  it('contributes every stepping command with its exact palette title in the LSTM category', () => {
    const expected: Record<string, string> = {
      'lstm.step': 'Step', 'lstm.stepBack': 'Step Back', 'lstm.runToEnd': 'Run to End', 'lstm.runBackward': 'Run Backward',
      'lstm.reset': 'Reset', 'lstm.goToStep': 'Go to Step…', 'lstm.newSpecFromExample': 'New Spec from Example',
      'lstm.toggleInlineValues': 'Toggle Inline Values',
    };
    for (const [command, title] of Object.entries(expected)) {
      const entry = contributes.commands.find((c: { command: string }) => c.command === command);
      assert.ok(entry, `${command} is not contributed`);
      assert.equal(`${entry.category}: ${entry.title}`, `LSTM: ${title}`);
    }
  });

  it('activates only on the spec language, never at startup or on every JSON file', () => {
    assert.ok(manifest.activationEvents.includes('onLanguage:lstm-spec'));
    // besides the language, only the chart panel's restore (onWebviewPanel) and the lstm debugger
    // (F5 resolving a configuration of type lstm, Run and Debug's dynamic list) may activate it
    for (const event of manifest.activationEvents) assert.match(event, /^(onLanguage:lstm-spec|onWebviewPanel:[\w.]+|onDebugResolve:lstm|onDebugDynamicConfigurations:lstm)$/);
    const language = contributes.languages.find((l: { id: string }) => l.id === 'lstm-spec');
    assert.deepEqual(language.extensions, ['.lstm.json']);
    // the schema's features come from the extension itself (views/specLanguage.ts): the built-in
    // JSON language server must not also parse, validate and outline every version of a spec
    assert.equal(contributes.jsonLanguageParticipants, undefined, 'lstm-spec must not be a JSON language participant');
    assert.equal(contributes.jsonValidation, undefined, 'no jsonValidation: its diagnostics would repeat the extension\'s own');
  });

  it('contributes the lstm debugger: breakpoints in specs, F5 with no launch.json, a Debug Spec button', () => {
    const debuggerEntry = contributes.debuggers.find((d: { type: string }) => d.type === 'lstm');
    assert.ok(debuggerEntry, 'no debugger of type lstm');
    assert.deepEqual(debuggerEntry.languages, ['lstm-spec']);
    assert.deepEqual(debuggerEntry.configurationAttributes.launch.required, ['spec']);
    assert.equal(debuggerEntry.initialConfigurations[0].type, 'lstm');
    assert.ok(debuggerEntry.configurationSnippets.length > 0);
    assert.deepEqual(contributes.breakpoints, [{ language: 'lstm-spec' }]);
    for (const event of ['onDebugResolve:lstm', 'onDebugDynamicConfigurations:lstm']) assert.ok(manifest.activationEvents.includes(event), event);
    assert.ok(contributes.menus['editor/title'].some((m: { command: string; when: string }) => m.command === 'lstm.debugSpec' && /resourceLangId == lstm-spec/.test(m.when)));
  });

  it('binds Step and Step Back only in a focused spec editor and never while debugging', () => {
    for (const command of ['lstm.step', 'lstm.stepBack']) {
      const binding = contributes.keybindings.find((k: { command: string }) => k.command === command);
      assert.ok(binding, `${command} has no keybinding`);
      assert.match(binding.when, /!inDebugMode/);
      assert.match(binding.when, /editorTextFocus/);
      assert.match(binding.when, /lstm/);
      assert.ok(!/^(shift\+)?f\d+$/i.test(binding.key), `${binding.key} is a debugger key`);
    }
  });

  it('declares the States view in the LSTM container and the settings with defaults', () => {
    assert.ok(contributes.viewsContainers.activitybar.some((c: { id: string; title: string }) => c.id === 'lstm' && c.title === 'LSTM'));
    assert.ok(contributes.views.lstm.some((v: { id: string; name: string }) => v.id === 'lstm.states' && v.name === 'States'));
    assert.equal(contributes.configuration.properties['lstmStepper.precision'].default, 4);
    assert.equal(contributes.configuration.properties['lstmStepper.inlineValues'].default, true);
  });
});
