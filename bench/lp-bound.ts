/**
 * The linear-programming lower bound on fleet cost: the cheapest fractional fleet that covers the pods' total demand.
 *
 *   minimise  sum_t price_t * x_t
 *   subject   sum_t usable_{t,r} * x_t >= demand_r   for each resource r (cpu, memory, pods)
 *             x_t >= 0
 *
 * No integer fleet (and so no bin packing) can cost less. With m resources an optimal vertex uses at most m types, so the
 * exact optimum is found by enumerating every set S of at most m types and every set R of |S| resources, solving the square
 * system "the rows R are tight on the columns S", and keeping the cheapest solution that is non-negative and covers every
 * other row. Only Pareto-efficient types (none cheaper-or-equal with at least as much of everything) take part.
 */

export interface LpType {
  readonly name: string;
  readonly price: number;
  /** What a node of the type offers to pods, per resource, same order as the demand. */
  readonly usable: readonly number[];
}

export interface LpSolution {
  /** The optimal cost (the lower bound). */
  readonly cost: number;
  /** The optimal fractional fleet: types with positive counts. */
  readonly fleet: readonly { readonly name: string; readonly count: number }[];
  /** How many Pareto-efficient types were enumerated over. */
  readonly paretoTypes: number;
}

const EPS = 1e-9;

/** The types no other type dominates (cheaper or equal, and at least as much of every resource). Ties keep the first. */
export function paretoFront(types: readonly LpType[]): LpType[] {
  const out: LpType[] = [];
  for (let i = 0; i < types.length; i++) {
    const a = types[i] as LpType;
    let dominated = false;
    for (let j = 0; j < types.length && !dominated; j++) {
      if (i === j) continue;
      const b = types[j] as LpType;
      if (b.price > a.price) continue;
      let geAll = true;
      let strict = b.price < a.price;
      for (let r = 0; r < a.usable.length; r++) {
        const ub = b.usable[r] ?? 0;
        const ua = a.usable[r] ?? 0;
        if (ub < ua) {
          geAll = false;
          break;
        }
        if (ub > ua) strict = true;
      }
      // Identical twins: the later one goes.
      if (geAll && (strict || j < i)) dominated = true;
    }
    if (!dominated) out.push(a);
  }
  return out;
}

/** Solves the k x k system m x = rhs by Gaussian elimination with partial pivoting; null when singular. */
export function solveSquare(m: number[][], rhs: number[]): number[] | null {
  const k = rhs.length;
  const a = m.map((row, i) => [...row, rhs[i] ?? 0]);
  for (let col = 0; col < k; col++) {
    let pivot = col;
    for (let r = col + 1; r < k; r++) {
      if (Math.abs(a[r]?.[col] ?? 0) > Math.abs(a[pivot]?.[col] ?? 0)) pivot = r;
    }
    const p = a[pivot] as number[];
    if (Math.abs(p[col] ?? 0) < 1e-12) return null;
    a[pivot] = a[col] as number[];
    a[col] = p;
    for (let r = 0; r < k; r++) {
      if (r === col) continue;
      const row = a[r] as number[];
      const f = (row[col] ?? 0) / (p[col] ?? 1);
      if (f === 0) continue;
      for (let c = col; c <= k; c++) row[c] = (row[c] ?? 0) - f * (p[c] ?? 0);
    }
  }
  return a.map((row, i) => (row[k] ?? 0) / (row[i] ?? 1));
}

function combinations(n: number, k: number): number[][] {
  const out: number[][] = [];
  const pick: number[] = [];
  const walk = (start: number): void => {
    if (pick.length === k) {
      out.push([...pick]);
      return;
    }
    for (let i = start; i < n; i++) {
      pick.push(i);
      walk(i + 1);
      pick.pop();
    }
  };
  walk(0);
  return out;
}

/**
 * The exact LP optimum. Resources with zero demand are dropped; types that offer nothing (or a negative amount) of a
 * demanded resource, or have no finite price, are left out. Throws when no type can cover the demand.
 */
export function lpLowerBound(types: readonly LpType[], demand: readonly number[]): LpSolution {
  const rows = demand.flatMap((d, r) => (d > 0 ? [r] : []));
  if (rows.length === 0) return { cost: 0, fleet: [], paretoTypes: 0 };
  // Scale each row by its demand so the systems are well conditioned (memory in bytes dwarfs pods otherwise).
  const usable = types
    .filter((t) => Number.isFinite(t.price) && t.price >= 0 && rows.every((r) => (t.usable[r] ?? 0) > 0))
    .map((t) => ({ name: t.name, price: t.price, usable: rows.map((r) => (t.usable[r] ?? 0) / (demand[r] ?? 1)) }));
  const front = paretoFront(usable);
  if (front.length === 0) throw new Error('lpLowerBound: no instance type offers every demanded resource');
  const m = rows.length;
  let best = Number.POSITIVE_INFINITY;
  let bestFleet: { name: string; count: number }[] = [];
  for (let k = 1; k <= Math.min(m, front.length); k++) {
    const rowSets = combinations(m, k);
    const colSets = combinations(front.length, k);
    for (const cols of colSets) {
      for (const tight of rowSets) {
        const matrix = tight.map((r) => cols.map((c) => front[c]?.usable[r] ?? 0));
        const x = solveSquare(
          matrix,
          tight.map(() => 1),
        );
        if (x === null || x.some((v) => v < -EPS)) continue;
        let ok = true;
        for (let r = 0; r < m && ok; r++) {
          let covered = 0;
          cols.forEach((c, i) => (covered += (front[c]?.usable[r] ?? 0) * (x[i] ?? 0)));
          if (covered < 1 - 1e-7) ok = false;
        }
        if (!ok) continue;
        let cost = 0;
        cols.forEach((c, i) => (cost += (front[c]?.price ?? 0) * Math.max(0, x[i] ?? 0)));
        if (cost < best - 1e-12) {
          best = cost;
          bestFleet = cols.flatMap((c, i) => ((x[i] ?? 0) > EPS ? [{ name: front[c]?.name ?? '', count: x[i] ?? 0 }] : []));
        }
      }
    }
  }
  return { cost: best, fleet: bestFleet, paretoTypes: front.length };
}
