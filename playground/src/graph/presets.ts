// presets.ts — the Graph page's example programs. Each is a few lines of tensorloom code; the
// last line gives the output. The gradients in the comments are derived by hand; the browser
// test (scripts/test-playground.mjs) and test/playground/graph.test.ts check them.

export interface Preset {
  name: string;
  code: string;
}

export const PRESETS: Preset[] = [
  {
    name: 'scalars: a·a + exp(a)',
    code: `// d/da (a² + eᵃ) = 2a + eᵃ = 4 + e² ≈ 11.39 at a = 2
a = tensor(2.0, {requiresGrad: true})
b = a.mul(a).add(a.exp())`,
  },
  {
    name: 'a neuron: tanh(w·x + b)',
    code: `// y = tanh(w·x + b);  dy/db = 1 - y²,  dy/dw = (1 - y²) x
x = tensor([1.0, -2.0])
w = tensor([0.5, -0.25], {requiresGrad: true})
b = tensor(0.1, {requiresGrad: true})
y = w.mul(x).sum().add(b).tanh()`,
  },
  {
    name: 'a small MLP with a mean-squared loss',
    code: `// 3 → 4 (tanh) → 1 on four random points; the loss is mean((ŷ - y)²)
manualSeed(0)
x = randn([4, 3])
y = randn([4, 1])
model = new nn.Sequential(new nn.Linear(3, 4), new nn.Tanh(), new nn.Linear(4, 1))
loss = F.mseLoss(model.forward(x), y)`,
  },
  {
    name: 'softmax cross-entropy',
    code: `// loss = -log softmax(z)[target];  dloss/dz = softmax(z) - onehot(target)
// (F.crossEntropy(z, tensor([0], {dtype: 'int32'})) gives the same loss and gradient)
z = tensor([[2.0, 1.0, 0.1]], {requiresGrad: true})
onehot = tensor([[1, 0, 0]])
loss = z.logSoftmax(1).mul(onehot).sum().neg()`,
  },
];
