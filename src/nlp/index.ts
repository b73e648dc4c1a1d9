// nlp/index.ts — the `nlp` namespace: tokenizers and vocabularies, Word2Vec, BERT's masked-LM /
// next-sentence pretraining data and model, its fine-tuning heads and Hugging Face checkpoint
// files. (Word2Vec's Node worker-thread runner, nodeWorkers, and readPretrained/writePretrained
// are exported by tensorloom/node instead: src/node.ts.)

export { basicTokenize, splitSentences } from './tokenize.js';
export type { BasicTokenizeOptions } from './tokenize.js';
export { Vocab, BERT_SPECIALS } from './vocab.js';
export type { VocabBuildOptions, VocabJSON } from './vocab.js';
export { WordPieceTokenizer } from './wordpiece.js';
export type { WordPieceOptions, WordPieceTrainOptions, DecodeOptions, WordPieceJSON, BatchEncoding, EncodeBatchOptions } from './wordpiece.js';
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
export type { BertConfigOptions, BertForwardOptions, BertModelOptions, BertModelOutput, BertProblemType } from './bert.js';
export { BertForPreTraining, bertPretrainingLoss } from './bert_heads.js';
export {
  BertForMaskedLM, BertForSequenceClassification, BertForTokenClassification, bertParamGroups, inferProblemType, sequenceClassificationLoss,
} from './bert_task_heads.js';
export type { BertTaskForwardOptions, BertTaskOutput, BertClassifierOptions } from './bert_task_heads.js';
export { TRANSFORMERS_VERSION } from './pretrained.js';
export type { FromPretrained, FromPretrainedOptions, LoadingInfo, PretrainedTokenizer } from './pretrained.js';
export type { PretrainedFiles, TokenizerFiles } from './pretrained_files.js';
