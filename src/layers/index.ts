// layers/index.ts — the `nn` namespace: Module and the layers, losses, init and utils.
// Reference: torch.nn.

export { Module, Parameter } from './module.js';
export type { LoadResult } from './module.js';
export { Sequential, ModuleList } from './container.js';
export { Linear } from './linear.js';
export { Conv1d, Conv2d } from './conv.js';
export { MaxPool1d, MaxPool2d, AvgPool1d, AvgPool2d } from './pool.js';
export { Dropout } from './dropout.js';
export { Embedding } from './embedding.js';
export { LayerNorm, BatchNorm1d, BatchNorm2d } from './norm.js';
export { ReLU, GELU, Tanh, Sigmoid, SiLU, Softmax, LogSoftmax, Identity } from './activation.js';
export { Flatten, Unflatten } from './shape.js';
export { RNN, LSTM, GRU } from './rnn.js';
export { RNNCell, LSTMCell, GRUCell } from './rnn_cells.js';
export { MultiheadAttention } from './multihead_attention.js';
export { generateSquareSubsequentMask } from './transformer.js';
export { TransformerEncoderLayer, TransformerEncoder } from './transformer_encoder.js';
export { TransformerDecoderLayer, TransformerDecoder } from './transformer_decoder.js';
export { PositionalEncoding } from './positional.js';
export { CrossEntropyLoss, NLLLoss, MSELoss, L1Loss, BCEWithLogitsLoss, BCELoss } from './loss.js';
export * as functional from './functional.js';
export * as init from './init.js';
export * as utils from './utils.js';
