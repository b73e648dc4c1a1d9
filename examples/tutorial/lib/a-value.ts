// a-value.ts — chapter 1's scalar autograd engine: a Value holds one number, its gradient, the
// Values it was computed from and a closure that pushes its gradient back to them. backward()
// orders the graph topologically, then runs the closures once each. Standalone (no tensorloom).
// Reference: Karpathy's micrograd engine.py; the tensor version is src/autograd/engine.ts.

export class Value {
  grad = 0;
  /** Adds this Value's share of the gradient into its inputs' `.grad`. */
  backwardStep: () => void = () => {};

  constructor(public data: number, readonly inputs: Value[] = [], readonly op = '', public label = '') {}

  add(other: Value | number): Value {
    const o = other instanceof Value ? other : new Value(other);
    const out = new Value(this.data + o.data, [this, o], '+');
    out.backwardStep = () => { this.grad += out.grad; o.grad += out.grad; }; // d(a+b)/da = 1
    return out;
  }

  mul(other: Value | number): Value {
    const o = other instanceof Value ? other : new Value(other);
    const out = new Value(this.data * o.data, [this, o], '*');
    out.backwardStep = () => { this.grad += o.data * out.grad; o.grad += this.data * out.grad; }; // d(ab)/da = b
    return out;
  }

  pow(k: number): Value {
    const out = new Value(this.data ** k, [this], `^${k}`);
    out.backwardStep = () => { this.grad += k * this.data ** (k - 1) * out.grad; }; // d(x^k)/dx = k x^(k-1)
    return out;
  }

  exp(): Value {
    const out = new Value(Math.exp(this.data), [this], 'exp');
    out.backwardStep = () => { this.grad += out.data * out.grad; }; // d(e^x)/dx = e^x
    return out;
  }

  tanh(): Value {
    const out = new Value(Math.tanh(this.data), [this], 'tanh');
    out.backwardStep = () => { this.grad += (1 - out.data ** 2) * out.grad; }; // d(tanh x)/dx = 1 - tanh² x
    return out;
  }

  relu(): Value {
    const out = new Value(Math.max(0, this.data), [this], 'relu');
    out.backwardStep = () => { this.grad += (out.data > 0 ? 1 : 0) * out.grad; };
    return out;
  }

  neg(): Value { return this.mul(-1); }
  sub(other: Value | number): Value { return this.add(other instanceof Value ? other.neg() : -other); }
  div(other: Value | number): Value { return this.mul(other instanceof Value ? other.pow(-1) : 1 / other); }

  /** Every Value this one depends on, each after all the Values computed from it. */
  topo(): Value[] {
    const order: Value[] = [];
    const seen = new Set<Value>();
    const visit = (v: Value): void => {
      if (seen.has(v)) return;
      seen.add(v);
      for (const child of v.inputs) visit(child);
      order.push(v); // after its inputs: post-order
    };
    visit(this);
    return order.reverse();
  }

  backward(): void {
    this.grad = 1;
    for (const v of this.topo()) v.backwardStep();
  }
}
