// index.ts — the `io` namespace: moving tensors in and out of files. Browser-safe (bytes in,
// bytes out); the Node helpers that read and write paths live in ../node.ts (`tensorloom/node`).
// Reference: safetensors (github.com/huggingface/safetensors).

export { saveSafetensors, loadSafetensors, readSafetensorsHeader } from './safetensors.js';
export type { SafetensorsDType, SafetensorsEntry, SafetensorsHeader, SaveSafetensorsOptions } from './safetensors.js';
