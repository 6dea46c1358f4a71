/**
 * The majority-class baseline: always predict the class most common in training. Any
 * classifier worth reporting must beat it; on the spam task it scores about 69 % ("always ham")
 * while catching no spam at all, which is why accuracy is never reported without F1.
 */
import { check } from '../errors';
import type { TextClassifier } from './naive-bayes';

/** A classifier that ignores its input. */
export interface MajorityClassModel extends TextClassifier {
  /** The class it always predicts. */
  readonly label: number;
}

/** Fit the majority-class baseline on training labels (ties go to the smaller label). */
export function majorityClass(labels: readonly number[]): MajorityClassModel {
  check(labels.length > 0, 'majorityClass: no labels');
  const counts = new Map<number, number>();
  for (const y of labels) counts.set(y, (counts.get(y) ?? 0) + 1);
  let label = Number.POSITIVE_INFINITY;
  let best = -1;
  for (const [y, n] of counts) {
    if (n > best || (n === best && y < label)) {
      label = y;
      best = n;
    }
  }
  return { label, predict: () => label };
}
