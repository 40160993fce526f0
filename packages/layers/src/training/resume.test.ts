import { LacunaError } from '@lacuna/tensor';
import { describe, expect, it } from 'vitest';
import { crossEntropy } from '../losses/classification.js';
import { firstDifference } from '../test-util/exact.js';
import { setup, train } from '../test-util/training-run.js';
import { CheckpointError } from './checkpoint-error.js';
import { memoryCheckpointer } from './checkpointing.js';
import { decodeTrainingState, encodeTrainingState } from './encode.js';
import { fit } from './fit.js';
import type { Stateful, TrainingState } from './fit-types.js';

/** Everything a resume could change in a run. */
function snapshot(run: ReturnType<typeof setup>) {
  return {
    params: run.model.parameters().map((p) => p.data()),
    optimizer: run.optimizer.stateDict(),
    schedule: run.schedule.stateDict(),
    shuffle: run.shuffle.getState(),
    dropout: run.model
      .namedModules()
      .flatMap(([, m]) =>
        'randomState' in m ? [(m as unknown as { randomState(): unknown }).randomState()] : [],
      ),
  };
}

/** A checkpoint of seed 11 after 2 of 6 epochs, with the schedule registered. */
async function saved(): Promise<TrainingState> {
  const checkpoint = memoryCheckpointer();
  await train(11, 2, { checkpoint, schedule: true });
  return checkpoint.latest!;
}

/** Resumes a fresh run (seed 12) from `state`; reports whether any epoch started. */
async function resumeFrom(state: unknown, extra: { stateful?: Record<string, Stateful> } = {}) {
  const run = setup(12);
  const before = snapshot(run);
  let started = false;
  const result = fit(run.model, {
    data: run.data,
    optimizer: run.optimizer,
    loss: crossEntropy,
    epochs: 6,
    generators: { shuffle: run.shuffle },
    stateful: { schedule: run.schedule, ...extra.stateful },
    checkpoint: { save: async () => {}, load: async () => state as TrainingState },
    resume: true,
    callbacks: [
      {
        onEpochStart: () => {
          started = true;
        },
      },
    ],
  });
  const outcome = await result.then(
    () => null,
    (error: unknown) => error,
  );
  return { outcome, started, unchanged: firstDifference(snapshot(run), before) === null };
}

/** Expects resume from `state` to fail with a CheckpointError matching `message`, changing nothing. */
async function refuses(state: unknown, message: RegExp, extra = {}) {
  const { outcome, started, unchanged } = await resumeFrom(state, extra);
  expect(outcome).toBeInstanceOf(CheckpointError);
  expect((outcome as Error).message).toMatch(message);
  expect(started).toBe(false);
  expect(unchanged).toBe(true);
}

const edit = (s: TrainingState, change: (j: Record<string, unknown>) => void): unknown => {
  const copy = { ...structuredClone({ ...s, model: null }), model: s.model } as Record<
    string,
    unknown
  >;
  change(copy);
  return copy;
};

describe('fit resume checks the checkpoint before training', () => {
  it('refuses an epoch that is not an integer in 0..epochs (−Infinity, 1e9, "2", 2.5, -1, 7)', async () => {
    const s = await saved();
    for (const epoch of [Number.NEGATIVE_INFINITY, '2', 2.5, -1, Number.NaN, null])
      await refuses(
        edit(s, (j) => {
          j.epoch = epoch;
        }),
        /fit: argument 'checkpoint.epoch' must be a non-negative integer/,
      );
    for (const epoch of [7, 1e9])
      await refuses(
        edit(s, (j) => {
          j.epoch = epoch;
        }),
        new RegExp(`'checkpoint.epoch' is ${epoch}, past this run's 6 epochs`),
      );
  });

  it('refuses a checkpoint without the optimizer, a schedule or a generator the run has', async () => {
    const s = await saved();
    await refuses(
      edit(s, (j) => delete (j.stateful as Record<string, unknown>).optimizer),
      /'checkpoint.stateful' is missing 'optimizer' \(this run has 'optimizer', 'schedule'\)/,
    );
    await refuses(
      edit(s, (j) => delete (j.stateful as Record<string, unknown>).schedule),
      /'checkpoint.stateful' is missing 'schedule'/,
    );
    await refuses(
      edit(s, (j) => delete (j.generators as Record<string, unknown>).shuffle),
      /'checkpoint.generators' is missing 'shuffle'/,
    );
    await refuses(
      edit(s, (j) => delete (j.generators as Record<string, unknown>)['dropout:2']),
      /'checkpoint.generators' is missing 'dropout:2'/,
    );
    // A run with more state than the checkpoint holds.
    await refuses(s, /'checkpoint.stateful' is missing 'ema'/, {
      stateful: { ema: { stateDict: () => ({}), loadStateDict: () => {} } },
    });
  });

  it('refuses __proto__, constructor and other unknown keys with a typed error', async () => {
    const s = await saved();
    const g = s.generators.shuffle;
    for (const key of ['__proto__', 'constructor', 'toString', 'extra']) {
      const gens = JSON.parse(JSON.stringify(s.generators));
      Object.defineProperty(gens, key, { value: g, enumerable: true });
      await refuses(
        edit(s, (j) => {
          j.generators = gens;
        }),
        new RegExp(`'checkpoint.generators' has '${key}', which this run does not have`),
      );
      const stateful = { ...s.stateful };
      Object.defineProperty(stateful, key, { value: {}, enumerable: true });
      await refuses(
        edit(s, (j) => {
          j.stateful = stateful;
        }),
        new RegExp(`'checkpoint.stateful' has '${key}'`),
      );
    }
    await refuses(
      edit(s, (j) => {
        j.note = 'x';
      }),
      /'checkpoint' has 'note', which this run does not have/,
    );
  });

  it('refuses malformed generator states and history before any epoch trains', async () => {
    const s = await saved();
    await refuses(
      edit(s, (j) => {
        j.history = {};
      }),
      /'checkpoint.history' must be an array/,
    );
    await refuses(
      edit(s, (j) => {
        j.history = (j.history as unknown[]).slice(1);
      }),
      /holds 1 epoch logs, but the checkpoint is at epoch 2/,
    );
    await refuses(
      edit(s, (j) => {
        (j.history as { epoch: number }[])[1]!.epoch = 5;
      }),
      /'checkpoint.history\[1\].epoch' must be 2, got 5/,
    );
    await refuses(
      edit(s, (j) => {
        (j.history as { train: unknown }[])[0]!.train = { loss: '1' };
      }),
      /checkpoint.history\[0\].train' is missing 'accuracy'/,
    );
    await refuses(
      edit(s, (j) => {
        (j.generators as Record<string, { s0: number }>).shuffle!.s0 = 1.5;
      }),
      /'checkpoint.generators.shuffle.s0' must be a number in \[0, 1\), got 1.5/,
    );
    await refuses(
      edit(s, (j) => {
        (j.generators as Record<string, { algorithm: string }>).shuffle!.algorithm = 'mt';
      }),
      /'checkpoint.generators.shuffle.algorithm' must be 'alea'/,
    );
  });

  it('puts everything back when a later part is refused: all or nothing', async () => {
    const s = await saved();
    // The model and optimizer would load; the schedule refuses after them.
    await refuses(
      edit(s, (j) => {
        (j.stateful as Record<string, unknown>).schedule = { epoch: 'x' };
      }),
      /'checkpoint.stateful.schedule' was refused: stepSchedule: argument 'state' must be \{epoch\}/,
    );
    // A stateful that fails with a plain TypeError is reported as a CheckpointError with the cause.
    const fragile: Stateful = {
      stateDict: () => ({ n: 1 }),
      loadStateDict: (x: { n: { v: number } }) => void x.n.v.toFixed(),
    };
    const s2 = edit(s, (j) => {
      (j.stateful as Record<string, unknown>).fragile = { n: 1 };
    });
    const { outcome, unchanged } = await resumeFrom(s2, { stateful: { fragile } });
    expect(outcome).toBeInstanceOf(CheckpointError);
    expect((outcome as Error).message).toMatch(/'checkpoint.stateful.fragile' was refused/);
    expect((outcome as { cause?: unknown }).cause).toBeInstanceOf(TypeError);
    expect(unchanged).toBe(true);
    // A model that does not fit keeps its own typed error.
    const wrongModel = edit(s, (j) => {
      j.model = new Map([...s.model].slice(1));
    });
    const r = await resumeFrom(wrongModel);
    expect(r.outcome).toBeInstanceOf(LacunaError);
    expect((r.outcome as Error).message).toMatch(/loadStateDict: .*missing/);
    expect(r.unchanged).toBe(true);
  });

  it('accepts a well-formed checkpoint exactly, and does not alias the checkpointer’s history', async () => {
    const s = await saved();
    const historyBefore = structuredClone(s.history);
    const { outcome, started } = await resumeFrom(s);
    expect(outcome).toBeNull();
    expect(started).toBe(true);
    expect(s.history).toEqual(historyBefore);
  });
});

describe('checkpoint order', () => {
  it('a schedule stepped in onEpochEnd is in the checkpoint: resume is bit-identical', async () => {
    const full = await train(21, 6, { schedule: true });
    const checkpoint = memoryCheckpointer();
    const first = await train(21, 3, { checkpoint, schedule: true });
    expect(checkpoint.latest!.stateful.schedule).toEqual({ epoch: 3 });
    expect(first.run.optimizer.lr).toBe(0.025);
    const resumed = await train(21, 6, { checkpoint, resume: true, schedule: true });
    expect(resumed.history.resumedFrom).toBe(3);
    expect(resumed.params).toEqual(full.params);
    expect(resumed.run.optimizer.lr).toBe(full.run.optimizer.lr);
  });

  it('the same through the file encoding', async () => {
    const full = await train(22, 4, { schedule: true });
    const store = memoryCheckpointer();
    const file = {
      bytes: null as Uint8Array | null,
      save: async (s: TrainingState) => {
        file.bytes = encodeTrainingState(s);
      },
      load: async () => (file.bytes ? decodeTrainingState(file.bytes) : null),
    };
    await train(22, 1, { checkpoint: file, schedule: true });
    await train(22, 3, { checkpoint: file, resume: true, schedule: true });
    const resumed = await train(22, 4, { checkpoint: file, resume: true, schedule: true });
    expect(resumed.params).toEqual(full.params);
    expect(store.latest).toBeNull();
  });

  it('onEpochEnd runs before the checkpoint is saved, also when it stops training', async () => {
    const events: string[] = [];
    await train(23, 3, {
      checkpoint: {
        save: async (s) => void events.push(`save ${s.epoch}`),
        load: async () => null,
      },
      callbacks: [
        {
          onEpochEnd: (log) => {
            events.push(`end ${log.epoch}`);
            return log.epoch === 2 ? 'stop' : undefined;
          },
        },
      ],
    });
    expect(events).toEqual(['end 1', 'save 1', 'end 2', 'save 2']);
  });
});
