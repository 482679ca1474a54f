// The command table (src/commands.ts) without VS Code: every command package.json contributes
// is in the table and every table entry is contributed, with the same title; stepping commands
// say in the status bar why nothing happened (no spec, already at the end); the panel's intents
// are table entries; and the one error wrapper reports a failing handler under its title.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { COMMAND_TABLE, COMMANDS, CommandContext, NO_SPEC_MESSAGE, PANEL_INTENTS, runCommand } from '../../src/commands';
import { Session } from '../../src/runtime/session';
import { countingComputer, specText } from './helpers/runtime';

const manifest = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8'));
const contributed: { command: string; title: string; category: string }[] = manifest.contributes.commands;

interface Said { status: string[]; warnings: string[]; errors: string[]; infos: string[]; picks: number }

function fakeContext(session: Session | undefined, pick?: number): { context: CommandContext; said: Said } {
  const said: Said = { status: [], warnings: [], errors: [], infos: [], picks: 0 };
  const context: CommandContext = {
    sessions: { ensureStarted: () => undefined, activeSession: session, recompute: s => s.recompute() },
    ui: {
      statusMessage: text => { said.status.push(text); },
      info: async text => { said.infos.push(text); return undefined; },
      warn: text => { said.warnings.push(text); },
      error: text => { said.errors.push(text); },
      pickStep: async () => { said.picks++; return pick; },
      newSpecFromExample: async () => undefined,
      toggleInlineValues: async () => undefined,
    },
  };
  return { context, said };
}

const entry = (id: string) => {
  const found = COMMAND_TABLE.find(e => e.id === id);
  assert.ok(found, `${id} is not in the table`);
  return found;
};

const run = (id: string, context: CommandContext, ...args: unknown[]) =>
  runCommand(entry(id), context, args, (where, error) => { throw new Error(`unexpected error in ${where}: ${String(error)}`); });

async function sessionWithTrace(T: number): Promise<Session> {
  const session = new Session('a.lstm.json', countingComputer().computer);
  await session.update(specText(T));
  return session;
}

describe('command table', () => {
  it('every contributed command is in the table, and every table entry is contributed, with the same title', () => {
    const tableIds = COMMAND_TABLE.map(e => e.id).sort();
    assert.deepEqual(contributed.map(c => c.command).sort(), tableIds);
    for (const command of contributed) {
      assert.equal(command.category, 'LSTM');
      assert.equal(command.title, entry(command.command).title, command.command);
    }
    assert.equal(new Set(tableIds).size, tableIds.length, 'no command twice');
  });

  it('every entry either has a handler or names the module that registers it; COMMANDS names each entry', () => {
    for (const e of COMMAND_TABLE) assert.ok(e.run || e.registeredBy, `${e.id} has no handler and no registering module`);
    assert.deepEqual(Object.values(COMMANDS).sort(), COMMAND_TABLE.map(e => e.id).sort());
  });

  it('the panel’s stepping intents are table entries with handlers', () => {
    for (const id of Object.values(PANEL_INTENTS)) assert.ok(entry(id).run, `${id} has no handler`);
  });

  it('Step with no spec says so in the status bar', async () => {
    for (const id of [COMMANDS.step, COMMANDS.stepBack, COMMANDS.runToEnd, COMMANDS.runBackward, COMMANDS.reset, COMMANDS.goToStep]) {
      const { context, said } = fakeContext(undefined);
      await run(id, context);
      assert.deepEqual(said.status, [NO_SPEC_MESSAGE], id);
    }
    assert.equal(NO_SPEC_MESSAGE, 'LSTM: open a *.lstm.json spec first');
  });

  it('Step at the very end leaves the cursor and says so in the status bar', async () => {
    const session = await sessionWithTrace(2);
    const { context, said } = fakeContext(session);
    await run(COMMANDS.runBackward, context);
    assert.deepEqual(session.cursor, { phase: 'backward', t: 1 });
    assert.deepEqual(said.status, [], 'a move says nothing');
    await run(COMMANDS.step, context);
    assert.deepEqual(said.status, ['LSTM: already at the last step (backward t=1)']);
    await run(COMMANDS.reset, context);
    await run(COMMANDS.stepBack, context);
    assert.deepEqual(said.status.slice(1), ['LSTM: already at the start (forward t=0)']);
  });

  it('Step with a spec that has errors and no trace warns with the session’s reason', async () => {
    const session = new Session('a.lstm.json', countingComputer().computer);
    await session.update(specText(2).replace('"b_i": 0', '"b_i": "x"'));
    const { context, said } = fakeContext(session);
    await run(COMMANDS.step, context);
    assert.equal(said.warnings.length, 1);
    assert.match(said.warnings[0], /nothing to step through yet: the spec has errors/);
  });

  it('Go to Step takes a cursor or an index at once, else opens the pick', async () => {
    const session = await sessionWithTrace(3);
    const { context, said } = fakeContext(session, 5);
    await run(COMMANDS.goToStep, context, { phase: 'backward', t: 3 });
    assert.deepEqual(session.cursor, { phase: 'backward', t: 3 });
    await run(COMMANDS.goToStep, context, 1);
    assert.deepEqual(session.cursor, { phase: 'forward', t: 1 });
    assert.equal(said.picks, 0);
    await run(COMMANDS.goToStep, context);
    assert.equal(said.picks, 1);
    assert.deepEqual(session.cursor, { phase: 'backward', t: 2 }, 'index 5 of T = 3');
  });

  it('the error wrapper reports a throwing handler under its title and resolves undefined', async () => {
    const { context } = fakeContext(undefined);
    const reported: string[] = [];
    const throwing = { id: 'lstm.test', title: 'Test Command', run: () => { throw new Error('boom'); } };
    const result = await runCommand(throwing, context, [], (where, error) => reported.push(`${where}: ${(error as Error).message}`));
    assert.equal(result, undefined);
    assert.deepEqual(reported, ['Test Command: boom']);
  });
});
