/**
 * Hugging Face's GPT-2 format, in and out: the released GPT-2 weights load into our GPT
 * (`loadGpt2`), and our models export to a folder PyTorch's `transformers` loads (`exportGpt2`).
 *
 * @module
 */
export { encodeSafetensors, MAX_HEADER_BYTES, parseSafetensorsHeader, readSafetensor, readSafetensorsHeader, safetensorsChunks, safetensorsLayout, writeSafetensors } from './safetensors';
export type { SafetensorsEntry, SafetensorsHeader, SafetensorsLayout, TensorToWrite } from './safetensors';
export { gptConfigFromHf, hfConfigFromGpt, hfTensorName, ourParamName } from './gpt2-config';
export { bpeFromHfFiles, bpeFromTokenizerJson, bpeToHfFiles, type HfBpeFiles } from './tokenizer-files';
export { defaultGpt2Dir, GPT2_FETCH_COMMAND, gpt2FolderTokenizer, HF_CONFIG_FILE, HF_WEIGHTS_FILE, inspectGpt2Folder, isHfFolder, loadGpt2, type LoadedGpt2 } from './load';
export { exportGpt2, gpt2FolderFiles, lockGpt2Out, type ExportedFile } from './export';
