// The contract suite over each transport: every call answers as the contract says, and identically everywhere.
// A transport is one entry of TRANSPORTS (the IPC transport joins here).
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { isMethodName, studioMethods } from '../../src-main/api/contract.js';
import { dispatchCall } from '../../src-main/api/dispatch.js';
import type { Envelope } from '../../src-main/api/envelope.js';
import { openStudio } from '../../src-main/core/studio.js';
import { startServer } from '../../src-main/server.js';
import { statusOfEnvelope } from '../../src-main/server/respond.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { makeRendererDir } from '../helpers/test-server.js';
import { ipcTransport } from './ipc-transport.js';
import {
  CONTRACT_SCRIPT,
  ENVELOPE,
  normalizeEnvelope,
  prepareContractLibrary,
  prepareRunLibrary,
  RUN_SCRIPT,
  runContractScript,
  type ContractTransport,
  type ScriptStep,
} from './contract-suite.js';

const silentLog = { warn: () => undefined, error: () => undefined };

const coreTransport: ContractTransport = {
  name: 'core (direct)',
  async open(libraryDir) {
    const studio = openStudio(libraryDir);
    return {
      // JSON round trip: what crosses any boundary is data, not live objects.
      call: async (method, request) => JSON.parse(JSON.stringify(await dispatchCall(studio.api, method, request, silentLog.error))) as Envelope<unknown>,
      close: () => studio.close(),
    };
  },
};

const httpTransport: ContractTransport = {
  name: 'HTTP',
  async open(libraryDir) {
    const studio = openStudio(libraryDir);
    const server = await startServer({ studio, rendererDir: makeRendererDir(), log: silentLog });
    return {
      async call(method, request) {
        const response = await fetch(`http://127.0.0.1:${server.port}/api/call/${method}`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${server.token}` },
          body: JSON.stringify(request),
        });
        const envelope = (await response.json()) as Envelope<unknown>;
        if (response.status !== statusOfEnvelope(envelope)) throw new Error(`HTTP ${response.status} for ${JSON.stringify(envelope)}`);
        return envelope;
      },
      async close() {
        await server.close();
        await studio.close();
      },
    };
  },
};

const TRANSPORTS: ContractTransport[] = [coreTransport, httpTransport, ipcTransport];

const SCRIPTS = { library: { prepare: prepareContractLibrary, script: CONTRACT_SCRIPT }, 'stored run': { prepare: prepareRunLibrary, script: RUN_SCRIPT } };

async function runOn(transport: ContractTransport, which: keyof typeof SCRIPTS = 'library') {
  const libraryDir = path.join(makeTempDir('studio-contract-'), 'library');
  SCRIPTS[which].prepare(libraryDir);
  const opened = await transport.open(libraryDir);
  try {
    const results = await runContractScript(opened.call, SCRIPTS[which].script);
    return { libraryDir, results };
  } finally {
    await opened.close();
  }
}

function expectContractAnswers(results: Array<{ step: ScriptStep; envelope: Envelope<unknown> }>): void {
    for (const { step, envelope } of results) {
      expect({ step, issues: ENVELOPE.safeParse(envelope).error?.issues }).toEqual({ step, issues: undefined });
      const outcome = envelope.ok ? 'ok' : envelope.error.code;
      expect({ step, outcome }).toEqual({ step, outcome: step.expect });
      if (!envelope.ok) continue;
      expect(isMethodName(step.method), `${step.method} answered ok, so it is a contract method`).toBe(true);
      const parsed = studioMethods[step.method as keyof typeof studioMethods].response.safeParse(envelope.value);
      expect({ step, issues: parsed.error?.issues }).toEqual({ step, issues: undefined });
      if (step.value !== undefined) expect({ step, value: envelope.value }).toMatchObject({ step, value: step.value });
    }
}

describe.each(TRANSPORTS)('the StudioApi over $name', (transport) => {
  it('answers every call of the script as the contract promises', async () => {
    expectContractAnswers((await runOn(transport)).results);
  });

  it('answers with class probabilities as {classId, name, p} per class, in the run\'s class order, from a stored run', async () => {
    expectContractAnswers((await runOn(transport, 'stored run')).results);
  });
});

describe('every transport', () => {
  it('gives the same answers as the core called directly', async () => {
    const reference = await runOn(coreTransport);
    const expected = reference.results.map((r) => normalizeEnvelope(r.envelope, reference.libraryDir));
    for (const transport of TRANSPORTS.filter((t) => t !== coreTransport)) {
      const run = await runOn(transport);
      const actual = run.results.map((r) => normalizeEnvelope(r.envelope, run.libraryDir));
      CONTRACT_SCRIPT.forEach((step, i) => expect({ transport: transport.name, step, envelope: actual[i] }).toEqual({ transport: transport.name, step, envelope: expected[i] }));
    }
  });
});
