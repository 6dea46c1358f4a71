/**
 * checkpoint: the checkpoint format, a folder with checkpoint.json and one weights file, saved
 * atomically and loaded with every value checked; the folder lock and the one write path that
 * every file the project writes goes through.
 *
 * @module
 */
export {
  CHECKPOINT_FILE, declaredWeightBytes, FORMAT, isSafeFileName, jsonDepth, MAX_JSON_BYTES, MAX_JSON_DEPTH, MAX_WEIGHT_BYTES,
  parseCheckpointText, validateCheckpointJson, VERSION,
} from './format';
export type { CheckpointJson, CheckpointKind, CheckpointLimits, StoredDtype, TensorEntry } from './format';
export { fromHalf, toHalf, float32ToHalf, halfToFloat32 } from './half';
export { loadCheckpoint, NonFiniteWeightsError, readCheckpointJson, removeCheckpoint, roundWeightsToHalf, saveCheckpoint } from './io';
export type { LoadedCheckpoint, CheckpointSaveOptions } from './io';
export { tokenizerFromJson } from './tokenizer';
export type { StoredTokenizer } from './tokenizer';
/**
 * The one write path: every file the project writes goes through writeFileAtomic (temporary
 * file in the same folder, short writes checked, fsync, rename; a WriteError in one line on
 * failure, the previous file intact). Folder writers hold lockFolder for their whole run.
 */
export { fsReason, removeIfPresent, setWriteOpsForTesting, showPath, writeAllSync, writeChunksAtomic, writeFileAtomic, WriteError } from './atomic';
export type { AtomicWriteOptions, WriteOps } from './atomic';
export { holdsLock, LOCK_FILE, lockFolder, releaseAllLocks, unlockFolder, withFolderLock } from './lock';
