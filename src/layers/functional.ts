// functional.ts — nn.functional: the stateless math behind every layer, re-exported from the
// file where each is defined next to its module (linear.ts, conv.ts, loss.ts, …).
// Reference: torch.nn.functional.

export { linear } from './linear.js';
export { conv1d, conv2d } from './conv.js';
export { maxPool1d, maxPool2d, avgPool1d, avgPool2d } from './pool.js';
export { dropout } from './dropout.js';
export { embedding } from './embedding.js';
export { layerNorm, batchNorm } from './norm.js';
export { relu, gelu, silu, softmax, logSoftmax } from './activation.js';
export {
  crossEntropy, nllLoss, mseLoss, l1Loss, binaryCrossEntropy, binaryCrossEntropyWithLogits,
} from './loss.js';
export { scaledDotProductAttention } from './attention.js';
export { multiHeadAttentionForward } from './multihead_attention.js';
export { rnnForward } from './rnn.js';
export { rnnCell, lstmCell, gruCell } from './rnn_cells.js';
