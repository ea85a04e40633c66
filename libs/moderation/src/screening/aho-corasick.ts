/** A match of pattern `id` ending just before `end` (exclusive) in the searched string. */
export interface AutomatonMatch {
  id: number;
  start: number;
  end: number;
}

interface AutomatonNode {
  next: Map<string, number>;
  fail: number;
  /** Ids of patterns that end exactly at this node, with their lengths. */
  out: Array<{ id: number; length: number }>;
  /** Nearest node on the fail chain that has output, or -1. */
  outLink: number;
}

/**
 * Aho–Corasick automaton over UTF-16 code units: all patterns are found in one pass over the text,
 * whatever their number, so 1,000 watched words cost about the same as one.
 */
export class AhoCorasick {
  private readonly nodes: AutomatonNode[] = [AhoCorasick.node()];

  constructor(patterns: ReadonlyArray<{ id: number; pattern: string }>) {
    for (const { id, pattern } of patterns) {
      if (pattern.length > 0) this.insert(id, pattern);
    }
    this.link();
  }

  get size(): number {
    return this.nodes.length;
  }

  search(text: string): AutomatonMatch[] {
    const matches: AutomatonMatch[] = [];
    let state = 0;
    for (let i = 0; i < text.length; i++) {
      const ch = text[i] as string;
      state = this.step(state, ch);
      // Report this node's own patterns, then those of shorter suffixes along the output links.
      let at = state;
      while (at !== -1) {
        const node = this.nodes[at] as AutomatonNode;
        for (const { id, length } of node.out) matches.push({ id, start: i + 1 - length, end: i + 1 });
        at = node.outLink;
      }
    }
    return matches;
  }

  private static node(): AutomatonNode {
    return { next: new Map(), fail: 0, out: [], outLink: -1 };
  }

  private insert(id: number, pattern: string): void {
    let state = 0;
    for (const ch of pattern.split('')) {
      const node = this.nodes[state] as AutomatonNode;
      let target = node.next.get(ch);
      if (target === undefined) {
        target = this.nodes.length;
        this.nodes.push(AhoCorasick.node());
        node.next.set(ch, target);
      }
      state = target;
    }
    (this.nodes[state] as AutomatonNode).out.push({ id, length: pattern.length });
  }

  // Breadth-first, so every fail target is finished before the nodes that point at it.
  private link(): void {
    const queue: number[] = [];
    for (const child of (this.nodes[0] as AutomatonNode).next.values()) queue.push(child);
    for (let q = 0; q < queue.length; q++) {
      const state = queue[q] as number;
      const node = this.nodes[state] as AutomatonNode;
      for (const [ch, child] of node.next) {
        const childNode = this.nodes[child] as AutomatonNode;
        childNode.fail = state === 0 ? 0 : this.step(node.fail, ch);
        const failNode = this.nodes[childNode.fail] as AutomatonNode;
        childNode.outLink = failNode.out.length > 0 ? childNode.fail : failNode.outLink;
        queue.push(child);
      }
    }
  }

  private step(state: number, ch: string): number {
    let s = state;
    for (;;) {
      const target = (this.nodes[s] as AutomatonNode).next.get(ch);
      if (target !== undefined) return target;
      if (s === 0) return 0;
      s = (this.nodes[s] as AutomatonNode).fail;
    }
  }
}
