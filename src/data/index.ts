// index.ts — the data namespace: map-style datasets (TensorDataset, Subset), the batching
// DataLoader with PyTorch's default collation, and dataset splits (randomSplit, stratifiedSplit),
// as torch.utils.data (and scikit-learn's stratified splitting).

export { TensorDataset, Subset } from './dataset.js';
export type { Dataset } from './dataset.js';
export { DataLoader } from './dataloader.js';
export type { DataLoaderOptions } from './dataloader.js';
export { defaultCollate } from './collate.js';
export type { Collated } from './collate.js';
export { randomSplit, stratifiedSplit } from './split.js';
