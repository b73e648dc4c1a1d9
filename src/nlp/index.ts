// nlp/index.ts — the `nlp` namespace: tokenizers and vocabularies, Word2Vec, and BERT's
// masked-LM / next-sentence pretraining data and model. (Word2Vec's Node worker-thread runner,
// nodeWorkers, is exported by tensorloom/node instead: src/node.ts.)

export { basicTokenize, splitSentences } from './tokenize.js';
export type { BasicTokenizeOptions } from './tokenize.js';
export { Vocab, BERT_SPECIALS } from './vocab.js';
export type { VocabBuildOptions, VocabJSON } from './vocab.js';
export { WordPieceTokenizer } from './wordpiece.js';
export type { WordPieceOptions, WordPieceTrainOptions, DecodeOptions, WordPieceJSON } from './wordpiece.js';
export { Word2Vec } from './word2vec.js';
export type {
  Word2VecOptions, Word2VecParallelTask, Word2VecProgress, Word2VecRunner, Word2VecTrainOptions, Word2VecTrainResult,
} from './word2vec.js';
export { skipGramPairs } from './skipgram.js';
export { maskTokens } from './mlm.js';
export type { MaskTokensOptions } from './mlm.js';
export { makeNspPairs, packPair } from './nsp.js';
export type { NspPair, MakeNspPairsOptions, PackPairOptions } from './nsp.js';
export { BertConfig, BertModel } from './bert.js';
export type { BertConfigOptions, BertForwardOptions } from './bert.js';
export { BertForPreTraining, bertPretrainingLoss } from './bert_heads.js';
