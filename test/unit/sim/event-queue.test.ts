import { describe, expect, it } from 'vitest';
import { EventQueue, roundMs } from '../../../sim/event-queue.js';
import { Runtime } from '../../../sim/runtime.js';

describe('EventQueue', () => {
  it('pops by time, then by the order events were scheduled', () => {
    const q = new EventQueue();
    const seen: string[] = [];
    q.at(5, 'a', () => seen.push('a@5'));
    q.at(1, 'b', () => seen.push('b@1'));
    q.at(5, 'c', () => seen.push('c@5'));
    q.at(3, 'd', () => seen.push('d@3'));
    q.at(1, 'e', () => seen.push('e@1'));
    for (let ev = q.pop(); ev; ev = q.pop()) ev.run();
    expect(seen).toEqual(['b@1', 'e@1', 'd@3', 'a@5', 'c@5']);
    expect(q.now).toBe(5);
  });

  it('advances the clock, never schedules in the past, rounds to milliseconds, skips cancelled events', () => {
    const q = new EventQueue();
    const seen: number[] = [];
    q.after(0.1 + 0.2, 'x', () => {
      seen.push(q.now);
      q.at(0, 'past', () => seen.push(q.now));
    });
    const gone = q.after(0.2, 'cancelled', () => seen.push(-1));
    q.cancel(gone);
    expect(q.peekTime()).toBe(0.3);
    for (let ev = q.pop(); ev; ev = q.pop()) ev.run();
    expect(seen).toEqual([0.3, 0.3]);
    expect(roundMs(1.23456)).toBe(1.235);
  });

  it('keeps a large random schedule in (time, seq) order', () => {
    const q = new EventQueue();
    const order: [number, number][] = [];
    let x = 12345;
    for (let i = 0; i < 2000; i++) {
      x = (x * 1103515245 + 12345) % 2147483648;
      const t = x % 100;
      q.at(t, 'r', () => order.push([t, i]));
    }
    for (let ev = q.pop(); ev; ev = q.pop()) ev.run();
    for (let i = 1; i < order.length; i++) {
      const [ta, ia] = order[i - 1]!;
      const [tb, ib] = order[i]!;
      expect(ta < tb || (ta === tb && ia < ib)).toBe(true);
    }
  });
});

describe('Runtime', () => {
  it('lets a chain of awaits run to its next sleep before the next event, and abandons crashed incarnations', async () => {
    const q = new EventQueue();
    const rt = new Runtime(q);
    const log: string[] = [];
    const sleep = (inc: number, s: number): Promise<void> => new Promise((r) => q.after(s, 'sleep', () => rt.deliver(inc, r)));
    const worker = async (inc: number, name: string): Promise<void> => {
      for (let i = 0; i < 3; i++) {
        await Promise.resolve();
        await (async () => {
          await Promise.resolve();
          await Promise.resolve();
        })();
        log.push(`${name}${i}@${q.now}`);
        await sleep(inc, 10);
      }
    };
    q.at(15, 'world', () => log.push(`world@${q.now}`));
    q.at(15, 'crash', () => {
      const next = rt.abandon();
      q.after(1, 'restart', () => {
        rt.poke();
        void worker(next, 'B');
      });
    });
    rt.poke();
    void worker(rt.current, 'A');
    await rt.run(() => false, 100);
    expect(log).toEqual(['A0@0', 'A1@10', 'world@15', 'B0@16', 'B1@26', 'B2@36']);
  });
});
