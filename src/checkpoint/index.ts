export {
  CHECKPOINT_FILE, declaredWeightBytes, FORMAT, isSafeFileName, jsonDepth, MAX_JSON_BYTES, MAX_JSON_DEPTH, MAX_WEIGHT_BYTES,
  parseCheckpointText, validateCheckpointJson, VERSION,
} from './format';
export type { CheckpointJson, CheckpointKind, CheckpointLimits, StoredDtype, TensorEntry } from './format';
export { fromHalf, toHalf, float32ToHalf, halfToFloat32 } from './half';
export { loadCheckpoint, NonFiniteWeightsError, readCheckpointJson, saveCheckpoint } from './io';
export type { LoadedCheckpoint, CheckpointSaveOptions } from './io';
export { tokenizerFromJson } from './tokenizer';
export type { StoredTokenizer } from './tokenizer';
