// pretrained_files.ts — the record of files a pretrained model is, in Hugging Face's layout:
// config.json, model.safetensors, and the tokenizer's vocab.txt / tokenizer.json /
// tokenizer_config.json / special_tokens_map.json. Models' savePretrained / fromPretrained and
// the tokenizer's exchange these records; tensorloom/node's writePretrained / readPretrained
// move them to and from a directory. Reference: transformers PreTrainedModel.save_pretrained,
// PreTrainedTokenizerBase.save_pretrained.

/** The tokenizer's files, as BertTokenizerFast.save_pretrained writes them. */
export interface TokenizerFiles {
  'vocab.txt'?: string;
  'tokenizer.json'?: string;
  'tokenizer_config.json'?: string;
  'special_tokens_map.json'?: string;
}

/** A pretrained checkpoint: a model's config and weights, and optionally its tokenizer's files. */
export interface PretrainedFiles extends TokenizerFiles {
  'config.json': string;
  'model.safetensors': Uint8Array;
  [name: string]: string | Uint8Array | undefined;
}
