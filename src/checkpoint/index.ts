export { CHECKPOINT_FILE, FORMAT, isSafeFileName, MAX_WEIGHT_BYTES, validateCheckpointJson, VERSION } from './format';
export type { CheckpointJson, CheckpointKind, StoredDtype, TensorEntry } from './format';
export { fromHalf, toHalf, float32ToHalf, halfToFloat32 } from './half';
export { loadCheckpoint, readCheckpointJson, saveCheckpoint } from './io';
export type { LoadedCheckpoint, CheckpointSaveOptions } from './io';
