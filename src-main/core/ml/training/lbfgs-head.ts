// One head's L-BFGS state (two-loop recursion, backtracking Armijo line search) as a state machine: it names the
// point it wants evaluated next and takes the evaluation back. Several heads sharing one data matrix advance side by
// side this way, each with its own line search, while one pass over the rows evaluates all of their points.

export interface Evaluation {
  /** weighted cross-entropy + penalty */
  loss: number;
  grad: Float64Array;
  /** rows × units logits at the point */
  logits: Float32Array;
}

const HISTORY = 10;
const ARMIJO = 1e-4;
/** halvings before a line search gives up: no decrease by then means float32 noise, i.e. the optimum */
const LINE_SEARCH_TRIES = 12;
/** iterations whose total relative decrease below PLATEAU_DECREASE ends the solve (float32 products' noise floor) */
const PLATEAU_ITERATIONS = 5;
const PLATEAU_DECREASE = 1e-7;

function dot(a: Float64Array, b: Float64Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += (a[i] as number) * (b[i] as number);
  return sum;
}

export function maxAbs(a: Float64Array): number {
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i] as number));
  return max;
}

export type Outcome = 'backtrack' | 'iteration' | 'done';

export class LbfgsHead {
  readonly theta: Float64Array;
  current!: Evaluation;
  iterations = 0;
  done = false;
  converged = false;
  private readonly steps: Float64Array[] = [];
  private readonly changes: Float64Array[] = [];
  private readonly lossHistory: number[] = [];
  private direction = new Float64Array(0);
  private readonly point: Float64Array;
  private slope = 0;
  private step = 1;
  private tries = 0;

  constructor(
    theta: Float64Array,
    /** H0 = γ · D⁻¹: 1 / the Hessian's diagonal, so features of any scale take comparable steps */
    private readonly inverseDiagonal: Float64Array,
    private readonly tolerance: number,
    private readonly maxIterations: number,
  ) {
    this.theta = theta;
    this.point = new Float64Array(theta.length);
  }

  /** The evaluation at the starting point; afterwards `point()` is the first trial point (unless already done). */
  begin(start: Evaluation): void {
    this.current = start;
    this.lossHistory.push(start.loss);
    this.converged = maxAbs(start.grad) <= this.tolerance;
    this.done = this.converged || this.maxIterations <= 0;
    if (!this.done) this.newDirection();
  }

  /** The point this head wants evaluated next. */
  trialPoint(): Float64Array {
    return this.point;
  }

  /** The evaluation at trialPoint(): backtrack (evaluate the new trial point), or an iteration completed, or done. */
  offer(trial: Evaluation): Outcome {
    if (trial.loss <= this.current.loss + ARMIJO * this.step * this.slope) return this.accept(trial);
    this.step /= 2;
    this.tries++;
    if (this.tries < LINE_SEARCH_TRIES) {
      this.setPoint();
      return 'backtrack';
    }
    // no decrease along the direction at any step: at the optimum to machine precision
    this.iterations++;
    this.converged = true;
    this.done = true;
    return 'done';
  }

  private accept(next: Evaluation): Outcome {
    this.iterations++;
    const s = Float64Array.from(this.point, (value, i) => value - (this.theta[i] as number));
    const y = Float64Array.from(next.grad, (value, i) => value - (this.current.grad[i] as number));
    if (dot(s, y) > 1e-12) {
      this.steps.push(s);
      this.changes.push(y);
      if (this.steps.length > HISTORY) {
        this.steps.shift();
        this.changes.shift();
      }
    }
    this.theta.set(this.point);
    this.current = next;
    this.lossHistory.push(next.loss);
    const history = this.lossHistory;
    const plateau = history.length > PLATEAU_ITERATIONS && history.at(-1 - PLATEAU_ITERATIONS)! - next.loss <= PLATEAU_DECREASE * Math.abs(next.loss);
    this.converged = maxAbs(next.grad) <= this.tolerance || plateau;
    this.done = this.converged || this.iterations >= this.maxIterations;
    if (!this.done) this.newDirection();
    return 'iteration';
  }

  private setPoint(): void {
    for (let i = 0; i < this.theta.length; i++) this.point[i] = (this.theta[i] as number) + this.step * (this.direction[i] as number);
  }

  /** direction = −H·g by the two-loop recursion, then the first trial point (step 1) along it */
  private newDirection(): void {
    const { steps, changes, inverseDiagonal } = this;
    const grad = this.current.grad;
    const direction = Float64Array.from(grad, (g) => -g);
    const alphas: number[] = [];
    for (let k = steps.length - 1; k >= 0; k--) {
      const alpha = dot(steps[k]!, direction) / dot(changes[k]!, steps[k]!);
      alphas[k] = alpha;
      for (let i = 0; i < direction.length; i++) direction[i] = (direction[i] as number) - alpha * (changes[k]![i] as number);
    }
    // H0 = γ · D⁻¹, γ from the last curvature pair
    let scale = 1;
    if (steps.length > 0) {
      const last = changes.length - 1;
      let weighted = 0;
      for (let i = 0; i < direction.length; i++) weighted += (changes[last]![i] as number) ** 2 * (inverseDiagonal[i] as number);
      scale = dot(steps[last]!, changes[last]!) / weighted;
    }
    for (let i = 0; i < direction.length; i++) direction[i] = (direction[i] as number) * scale * (inverseDiagonal[i] as number);
    for (let k = 0; k < steps.length; k++) {
      const beta = dot(changes[k]!, direction) / dot(changes[k]!, steps[k]!);
      for (let i = 0; i < direction.length; i++) direction[i] = (direction[i] as number) + (steps[k]![i] as number) * ((alphas[k] as number) - beta);
    }
    this.slope = dot(grad, direction);
    if (this.slope >= 0) {
      // not a descent direction (numerical trouble): restart from the steepest descent
      steps.length = 0;
      changes.length = 0;
      for (let i = 0; i < direction.length; i++) direction[i] = -(grad[i] as number);
      this.slope = dot(grad, direction);
    }
    this.direction = direction;
    this.step = 1;
    this.tries = 0;
    this.setPoint();
  }
}
