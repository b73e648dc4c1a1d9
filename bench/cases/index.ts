// index.ts — every benchmark case, in table order. A new case goes in a file here and in this list.

import type { BenchCase } from '../types.js';
import { matmulCases } from './matmul.js';
import { elementwiseCases } from './elementwise.js';
import { mlpCase } from './mlp.js';
import { convCases } from './conv.js';
import { trainCases } from './train.js';
import { attentionCases } from './attention.js';
import { sequenceCases } from './sequence.js';
import { bertCases } from './bert.js';
import { word2vecCases } from './word2vec.js';
import { kernelCases } from './kernels.js';

export const CASES: BenchCase[] = [...matmulCases, ...elementwiseCases, mlpCase, ...convCases, ...trainCases, ...attentionCases, ...sequenceCases, ...bertCases, ...word2vecCases, ...kernelCases];
