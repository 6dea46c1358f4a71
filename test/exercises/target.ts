/**
 * Which answers the exercise checks test: LGPT_EXERCISES=student runs them against the student's
 * exercises/NN-*.ts (what `npm run check` does); unset or `solutions` against
 * exercises/solutions/NN-*.ts, so `npm test` and CI prove every check can pass.
 */
import * as path from 'path';

export type ExerciseTarget = 'student' | 'solutions';

export function exerciseTarget(): ExerciseTarget {
  const v = process.env.LGPT_EXERCISES ?? 'solutions';
  if (v !== 'student' && v !== 'solutions') throw new Error(`LGPT_EXERCISES must be 'student' or 'solutions', got '${v}'`);
  return v;
}

/** Load exercises/NAME (or exercises/solutions/NAME), typed like the student's stub `T`. */
export function loadExercise<T>(name: string): T {
  const dir = exerciseTarget() === 'student' ? '../../exercises' : '../../exercises/solutions';
  return require(path.join(__dirname, dir, name)) as T;
}
