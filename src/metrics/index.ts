// index.ts — the metrics namespace: classification metrics on integer labels (accuracy,
// confusionMatrix, precisionRecallF1) with scikit-learn's definitions, as sklearn.metrics.

export { accuracy, confusionMatrix, precisionRecallF1 } from './classification.js';
export type { Average, PrecisionRecallF1, PrecisionRecallF1Options, PrecisionRecallF1PerClass } from './classification.js';
export type { Labels, Predictions } from './labels.js';
