// The LRU lists behind lru_hash and lru_percpu_hash (kernel/bpf/bpf_lru_list.c),
// emulated node for node so the kernel's choice of victim is ours too: a
// global active/inactive/free list with per-CPU local free and pending lists
// (the common LRU), or one active/inactive/free list per CPU (BPF_F_NO_COMMON_LRU).
// Nodes sit on circular doubly linked lists exactly as the kernel's list_head
// does, because rotation and shrinking walk those lists from the tail, and a
// node's "ref" bit (set by program lookups) buys it another round. The hash
// table is told to drop an element through `removeFromTable`. Pure.
//
//   common LRU:  global [active][inactive][free]   per CPU: [local free][pending]
//   per-CPU LRU: per CPU [active][inactive][free]

const ACTIVE = 0;
const INACTIVE = 1;
const FREE = 2;
const LOCAL_FREE = 3;
const LOCAL_PENDING = 4;

const LOCAL_FREE_TARGET = 128;
const LOCAL_NR_SCANS = LOCAL_FREE_TARGET;
const PERCPU_FREE_TARGET = 4;
const PERCPU_NR_SCANS = PERCPU_FREE_TARGET;

class Link {
  prev: Link = this;
  next: Link = this;
}

/** One preallocated element's place in the LRU (struct bpf_lru_node). */
export class LruNode extends Link {
  type = FREE;
  ref = false;
  cpu = 0;
  constructor(readonly slot: number) {
    super();
  }
}

function listDel(n: Link): void {
  n.prev.next = n.next;
  n.next.prev = n.prev;
}

/** list_add: insert `n` right after `head` (at the front of the list). */
function listAdd(n: Link, head: Link): void {
  n.next = head.next;
  n.prev = head;
  head.next.prev = n;
  head.next = n;
}

function listMove(n: Link, head: Link): void {
  listDel(n);
  listAdd(n, head);
}

/** The nodes of a list from the tail (oldest) to the head, captured first so moves inside the walk are safe. */
function* fromTail(head: Link): Generator<LruNode> {
  for (let n = head.prev; n !== head;) {
    const prev = n.prev;
    yield n as LruNode;
    n = prev;
  }
}

class LruList {
  readonly lists = [new Link(), new Link(), new Link()];
  readonly counts = [0, 0];
  nextInactiveRotation: Link = this.lists[INACTIVE];
}

class LocalList {
  readonly free = new Link();
  readonly pending = new Link();
  constructor(public nextSteal: number) {}
}

export class BpfLru {
  private readonly global = new LruList();
  private readonly locals: LocalList[];
  private readonly perCpu: LruList[];
  private readonly nrScans: number;
  private targetFree = 1;

  constructor(
    readonly percpu: boolean,
    private readonly nCpus: number,
    /** htab_lru_map_delete_node: unlink the node's element from its bucket; false when it is not in the table. */
    private readonly removeFromTable: (node: LruNode) => boolean,
  ) {
    this.locals = percpu ? [] : Array.from({ length: nCpus }, (_, cpu) => new LocalList(cpu));
    this.perCpu = percpu ? Array.from({ length: nCpus }, () => new LruList()) : [];
    this.nrScans = percpu ? PERCPU_NR_SCANS : LOCAL_NR_SCANS;
  }

  /** bpf_lru_populate: every node starts free, in buffer order. */
  populate(nodes: LruNode[]): void {
    if (!this.percpu) {
      for (const node of nodes) this.freshFree(node, this.global);
      this.targetFree = Math.min(Math.max(Math.floor(Math.floor(nodes.length / this.nCpus) / 2), 1), LOCAL_FREE_TARGET);
      return;
    }
    const perCpu = Math.floor(nodes.length / this.nCpus);
    let i = 0;
    for (let cpu = 0; cpu < this.nCpus && i < nodes.length; cpu++) {
      do {
        nodes[i].cpu = cpu;
        this.freshFree(nodes[i], this.perCpu[cpu]);
        i++;
      } while (i < nodes.length && i % perCpu !== 0);
    }
  }

  /** bpf_lru_pop_free: a node for a new element on `cpu`, evicting old elements when needed; null when none. */
  popFree(cpu: number): LruNode | null {
    return this.percpu ? this.percpuPopFree(cpu) : this.commonPopFree(cpu);
  }

  /** bpf_lru_push_free: give back the node of an element that left the table. */
  pushFree(node: LruNode): void {
    if (this.percpu) {
      this.move(this.perCpu[node.cpu], node, FREE);
      return;
    }
    if (node.type === FREE || node.type === LOCAL_FREE) return;
    if (node.type === LOCAL_PENDING) {
      node.type = LOCAL_FREE;
      node.ref = false;
      listMove(node, this.locals[node.cpu].free);
      return;
    }
    this.move(this.global, node, FREE);
  }

  /** bpf_lru_node_set_ref: a program looked the element up. */
  static setRef(node: LruNode): void {
    node.ref = true;
  }

  private freshFree(node: LruNode, l: LruList): void {
    node.type = FREE;
    node.ref = false;
    listAdd(node, l.lists[FREE]);
  }

  private countInc(l: LruList, type: number): void {
    if (type < 2) l.counts[type]++;
  }

  private countDec(l: LruList, type: number): void {
    if (type < 2) l.counts[type]--;
  }

  /** __bpf_lru_node_move_to_free */
  private moveToFree(l: LruList, node: LruNode, freeList: Link, type: number): void {
    if (node === l.nextInactiveRotation) l.nextInactiveRotation = l.nextInactiveRotation.prev;
    this.countDec(l, node.type);
    node.type = type;
    listMove(node, freeList);
  }

  /** __bpf_lru_node_move_in: from a local pending list into the global lists. */
  private moveIn(l: LruList, node: LruNode, type: number): void {
    this.countInc(l, type);
    node.type = type;
    node.ref = false;
    listMove(node, l.lists[type]);
  }

  /** __bpf_lru_node_move: between or within the active, inactive and free lists (to the head). */
  private move(l: LruList, node: LruNode, type: number): void {
    if (node.type !== type) {
      this.countDec(l, node.type);
      this.countInc(l, type);
      node.type = type;
    }
    node.ref = false;
    if (node === l.nextInactiveRotation) l.nextInactiveRotation = l.nextInactiveRotation.prev;
    listMove(node, l.lists[type]);
  }

  private rotateActive(l: LruList): void {
    const active = l.lists[ACTIVE];
    const first = active.next;
    let i = 0;
    for (const node of fromTail(active)) {
      this.move(l, node, node.ref ? ACTIVE : INACTIVE);
      if (++i === this.nrScans || node === first) break;
    }
  }

  private rotateInactive(l: LruList): void {
    const inactive = l.lists[INACTIVE];
    if (inactive.next === inactive) return;
    let last = l.nextInactiveRotation.next;
    if (last === inactive) last = last.next;
    let cur = l.nextInactiveRotation;
    let next: Link = inactive;
    let i = 0;
    while (i < this.nrScans) {
      if (cur === inactive) {
        cur = cur.prev;
        continue;
      }
      next = cur.prev;
      const node = cur as LruNode;
      if (node.ref) this.move(l, node, ACTIVE);
      if (cur === last) break;
      cur = next;
      i++;
    }
    l.nextInactiveRotation = next;
  }

  private rotate(l: LruList): void {
    if (l.counts[INACTIVE] < l.counts[ACTIVE]) this.rotateActive(l);
    this.rotateInactive(l);
  }

  private shrinkInactive(l: LruList, target: number, freeList: Link, type: number): number {
    let shrunk = 0;
    let i = 0;
    for (const node of fromTail(l.lists[INACTIVE])) {
      if (node.ref) {
        this.move(l, node, ACTIVE);
      } else if (this.removeFromTable(node)) {
        this.moveToFree(l, node, freeList, type);
        if (++shrunk === target) break;
      }
      if (++i === this.nrScans) break;
    }
    return shrunk;
  }

  /** __bpf_lru_list_shrink: free unreferenced inactive nodes, or else force out the oldest one. */
  private shrink(l: LruList, target: number, freeList: Link, type: number): number {
    const shrunk = this.shrinkInactive(l, target, freeList, type);
    if (shrunk) return shrunk;
    const inactive = l.lists[INACTIVE];
    const victims = inactive.next !== inactive ? inactive : l.lists[ACTIVE];
    for (const node of fromTail(victims)) {
      if (this.removeFromTable(node)) {
        this.moveToFree(l, node, freeList, type);
        return 1;
      }
    }
    return 0;
  }

  private percpuPopFree(cpu: number): LruNode | null {
    const l = this.perCpu[cpu];
    this.rotate(l);
    const free = l.lists[FREE];
    if (free.next === free) this.shrink(l, PERCPU_FREE_TARGET, free, FREE);
    if (free.next === free) return null;
    const node = free.next as LruNode;
    node.ref = false;
    this.move(l, node, INACTIVE);
    return node;
  }

  private popFreeToLocal(loc: LocalList): void {
    const l = this.global;
    for (const node of fromTail(loc.pending)) this.moveIn(l, node, node.ref ? ACTIVE : INACTIVE);
    this.rotate(l);
    let nfree = 0;
    const free = l.lists[FREE];
    for (let n = free.next; n !== free && nfree < this.targetFree;) {
      const next = n.next;
      this.moveToFree(l, n as LruNode, loc.free, LOCAL_FREE);
      nfree++;
      n = next;
    }
    if (nfree < this.targetFree) this.shrink(l, this.targetFree - nfree, loc.free, LOCAL_FREE);
  }

  private localPopFree(loc: LocalList): LruNode | null {
    if (loc.free.next === loc.free) return null;
    const node = loc.free.next as LruNode;
    listDel(node);
    return node;
  }

  private localPopPending(loc: LocalList): LruNode | null {
    for (const force of [false, true]) {
      for (let n = loc.pending.prev; n !== loc.pending; n = n.prev) {
        const node = n as LruNode;
        if ((!node.ref || force) && this.removeFromTable(node)) {
          listDel(node);
          return node;
        }
      }
    }
    return null;
  }

  private addPending(loc: LocalList, cpu: number, node: LruNode): void {
    node.cpu = cpu;
    node.type = LOCAL_PENDING;
    node.ref = false;
    listAdd(node, loc.pending);
  }

  private commonPopFree(cpu: number): LruNode | null {
    const loc = this.locals[cpu];
    let node = this.localPopFree(loc);
    if (!node) {
      this.popFreeToLocal(loc);
      node = this.localPopFree(loc);
    }
    if (node) {
      this.addPending(loc, cpu, node);
      return node;
    }
    // Nothing free here or globally: steal from the CPUs' local lists, round robin.
    const first = loc.nextSteal;
    let steal = first;
    do {
      const victim = this.locals[steal];
      node = this.localPopFree(victim) ?? this.localPopPending(victim);
      steal = (steal + 1) % this.nCpus;
    } while (!node && steal !== first);
    loc.nextSteal = steal;
    if (node) this.addPending(loc, cpu, node);
    return node;
  }
}
