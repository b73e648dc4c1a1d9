// cpu/index.ts — the CPU backend: pure TypeScript, storage is a typed array per tensor.
// This is the readable reference every other backend is tested against; each method
// forwards to one kernel file, named by family as in gpujs/ and kernels/ (elementwise, reduce,
// softmax, norm, matmul, conv, pool, indexing), plus the fused composites' families (loss,
// attention, optim) that gpujs composes from the others (../composed.ts); copy/toHost and
// assign are the shared host helpers of ../strided.ts.

import type { Backend } from '../backend.js';
import type { DType, TypedArray } from '../../tensor/dtype.js';
import { allocTyped } from '../../tensor/dtype.js';
import { assignStrided, copyStrided } from '../strided.js';
import { binaryKernel, clampKernel, geluBackwardKernel, unaryKernel, whereKernel } from './elementwise.js';
import { argReduceKernel, reduceKernel } from './reduce.js';
import { softmaxKernel } from './softmax.js';
import { layerNormKernel } from './norm.js';
import { matmulKernel } from './matmul.js';
import { col2imKernel, im2colKernel } from './conv.js';
import { avgPool2dBackwardKernel, avgPool2dKernel, maxPool2dBackwardKernel, maxPool2dKernel } from './pool.js';
import { catKernel, embedKernel, gatherKernel, indexAddKernel, indexSelectKernel, scatterAddKernel } from './indexing.js';
import { crossEntropyBackwardKernel, crossEntropyKernel } from './loss.js';
import { attentionBackwardKernel, attentionKernel } from './attention.js';
import { adamStepKernel } from './optim.js';

export class CpuBackend implements Backend<TypedArray> {
  readonly name: string = 'cpu';

  fromHost(dtype: DType, values: TypedArray): TypedArray {
    if (values instanceof allocTyped(dtype, 0).constructor) return values;
    const out = allocTyped(dtype, values.length);
    out.set(values);
    return out;
  }
  zeros(dtype: DType, size: number): TypedArray { return allocTyped(dtype, size); }
  toHost = copyStrided;
  storageSize(s: TypedArray): number { return s.length; }
  assign = assignStrided;

  copy = copyStrided;
  unary = unaryKernel;
  binary = binaryKernel;
  where = whereKernel;
  clamp = clampKernel;

  reduce = reduceKernel;
  argReduce = argReduceKernel;
  softmax = softmaxKernel;
  layerNorm = layerNormKernel;

  matmul = matmulKernel;

  cat = catKernel;
  embed = embedKernel;
  gather = gatherKernel;
  scatterAdd = scatterAddKernel;
  indexSelect = indexSelectKernel;
  indexAdd = indexAddKernel;

  im2col = im2colKernel;
  col2im = col2imKernel;
  maxPool2d = maxPool2dKernel;
  maxPool2dBackward = maxPool2dBackwardKernel;
  avgPool2d = avgPool2dKernel;
  avgPool2dBackward = avgPool2dBackwardKernel;

  geluBackward = geluBackwardKernel;
  crossEntropy = crossEntropyKernel;
  crossEntropyBackward = crossEntropyBackwardKernel;
  attention = attentionKernel;
  attentionBackward = attentionBackwardKernel;
  adamStep = adamStepKernel;
}
