import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { openLibrary } from '../../src-main/core/library/library.js';
import { getSetting, setSetting } from '../../src-main/core/library/settings.js';
import { processStartTime, startTimeFromProcStat } from '../../src-main/core/process-identity.js';
import { openStudio } from '../../src-main/core/studio.js';
import { acquireTrainingLock, markInterruptedUnlessTraining, TRAINING_LOCK_SETTING, trainingLockOwner } from '../../src-main/core/training-lock.js';
import { makeTempDir } from '../helpers/temp-dir.js';

const onLinux = process.platform === 'linux';

describe('process start time', () => {
  it('reads field 22 of /proc/<pid>/stat even when the command name holds spaces and parentheses', () => {
    const fields = Array.from({ length: 50 }, (_, i) => String(i + 3));
    expect(startTimeFromProcStat(`1234 (a) b (c) ${fields.join(' ')}`)).toBe('22');
  });

  it.runIf(onLinux)('tells this process from its parent', () => {
    expect(processStartTime(process.pid)).toMatch(/^\d+$/);
    expect(processStartTime(process.ppid)).not.toBe(processStartTime(process.pid));
  });
});

describe('training lock', () => {
  it('refuses a second holder in the same process, and frees the lock on release', () => {
    const library = openLibrary(makeTempDir());
    try {
      const release = acquireTrainingLock(library.db);
      expect(trainingLockOwner(library.db)?.pid).toBe(process.pid);
      expect(() => acquireTrainingLock(library.db)).toThrow(expect.objectContaining({ code: 'CONFLICT', message: expect.stringContaining('in this process') }));
      release();
      expect(trainingLockOwner(library.db)).toBeNull();
      acquireTrainingLock(library.db)();
    } finally {
      library.close();
    }
  });

  it('takes over a lock whose owner died', () => {
    const library = openLibrary(makeTempDir());
    try {
      // a pid above the kernel's pid_max is never alive
      setSetting(library.db, TRAINING_LOCK_SETTING, { pid: 2 ** 30, startTime: '1', token: 'crashed', since: 'yesterday' });
      const release = acquireTrainingLock(library.db);
      expect(getSetting<{ pid: number }>(library.db, TRAINING_LOCK_SETTING)?.pid).toBe(process.pid);
      release();
    } finally {
      library.close();
    }
  });

  it.runIf(onLinux)('takes over a lock naming a live but unrelated process (a reused pid), and honours one naming its real owner', () => {
    const library = openLibrary(makeTempDir());
    try {
      const parent = { pid: process.ppid, token: 'other', since: 'earlier' };
      setSetting(library.db, TRAINING_LOCK_SETTING, { ...parent, startTime: processStartTime(process.ppid) });
      expect(() => acquireTrainingLock(library.db)).toThrow(expect.objectContaining({ code: 'CONFLICT', message: expect.stringContaining(`process ${process.ppid}`) }));

      setSetting(library.db, TRAINING_LOCK_SETTING, { ...parent, startTime: '1' });
      const release = acquireTrainingLock(library.db);
      expect(trainingLockOwner(library.db)?.pid).toBe(process.pid);
      release();
    } finally {
      library.close();
    }
  });

  it('marks runs interrupted on open only when no live process holds the lock', () => {
    const library = openLibrary(makeTempDir());
    try {
      let marked = 0;
      const release = acquireTrainingLock(library.db);
      markInterruptedUnlessTraining(library.db, () => marked++);
      expect(marked).toBe(0);
      release();
      markInterruptedUnlessTraining(library.db, () => marked++);
      expect(marked).toBe(1);
    } finally {
      library.close();
    }
  });
});

describe('training.start', () => {
  it('answers a second call in the same studio with CONFLICT at once, and accepts a new one after the first job ends (here failing before its run, as the call)', async () => {
    const dir = makeTempDir();
    const studio = openStudio(dir);
    try {
      const [first, second] = await Promise.allSettled([studio.api['training.start']({}), studio.api['training.start']({})]);
      expect(second).toMatchObject({ status: 'rejected', reason: { code: 'CONFLICT' } });
      // the first took the lock; its job fails before it creates a run (no weights can be had here), and
      // training.start answers with that failure, then gives the lock back
      expect(first).toMatchObject({ status: 'rejected', reason: { code: expect.not.stringMatching(/^(INTERNAL|CONFLICT)$/) } });
      expect(studio.jobs.list()).toMatchObject([{ kind: 'training', status: 'failed' }]);
      expect(trainingLockOwner(studio.library.db)).toBeNull();
      const third = await studio.api['training.start']({}).catch((error: unknown) => error);
      expect(third).toMatchObject({ code: expect.not.stringMatching(/^(INTERNAL|CONFLICT)$/) });
    } finally {
      await studio.close();
    }
    expect(fs.existsSync(dir)).toBe(true);
  });
});
