//! The compute-bound workload of the emulation-speed benchmarks (`benches/`): software CRC-32,
//! insertion sort and heap sort, an integer matrix multiply and a linked-list walk, repeated
//! for a number of iterations, with no I/O inside the loops. The `bench` (MMU off), `bench_mmu`
//! (an identity map of 4 KiB pages) and `bench_smp` programs run it and print one checksum line
//! per kernel.

use core::hint::black_box;
use support::Global;

use crate::line;

/// Iterations when the host does not patch the boot parameter.
pub const DEFAULT_ITERATIONS: u64 = 56;

/// Bytes the CRC kernel checksums per iteration.
const CRC_BYTES: usize = 8192;
/// Elements of the insertion-sort array (quadratic) and of the heap-sort array.
const INSERTION_LEN: usize = 256;
const HEAP_LEN: usize = 2048;
/// Matrix dimension (N x N, i32 elements).
const N: usize = 40;
/// List nodes, and steps of one walk.
const NODES: usize = 8192;
const STEPS: usize = 32768;

/// Static working storage (the 64 KiB EL2 stack is too small for all of it); `Copy` because
/// [`Global`] wants plain data.
#[derive(Clone, Copy)]
struct Work {
    crc_table: [u32; 256],
    data: [u8; CRC_BYTES],
    insertion: [u32; INSERTION_LEN],
    heap: [u32; HEAP_LEN],
    a: [[i32; N]; N],
    b: [[i32; N]; N],
    c: [[i32; N]; N],
    next: [u32; NODES],
    value: [u32; NODES],
}

static WORK: Global<Work> = Global::new(Work {
    crc_table: [0; 256],
    data: [0; CRC_BYTES],
    insertion: [0; INSERTION_LEN],
    heap: [0; HEAP_LEN],
    a: [[0; N]; N],
    b: [[0; N]; N],
    c: [[0; N]; N],
    next: [0; NODES],
    value: [0; NODES],
});

/// xorshift32 (Marsaglia): a fixed pseudo-random sequence.
struct Rng(u32);

impl Rng {
    fn next(&mut self) -> u32 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        self.0 = x;
        x
    }
}

/// Runs the workload for the boot parameter's iterations (or [`DEFAULT_ITERATIONS`]) and
/// prints the iteration count and the checksums. Only one core may run it.
pub fn run() {
    let iterations = match support::boot::boot_param() {
        0 => DEFAULT_ITERATIONS,
        n => n,
    };
    // SAFETY: the only reference to WORK for the whole program (single core, no handlers
    // touch it).
    let w = unsafe { &mut *WORK.as_ptr() };
    let mut rng = Rng(black_box(0x2545_f491));
    setup(w, &mut rng);

    let (mut crc, mut sort, mut matrix, mut list) = (0u32, 0u64, 0u64, 0u64);
    for i in 0..iterations {
        crc ^= crc32(&w.crc_table, &w.data);
        w.data[i as usize % CRC_BYTES] ^= crc as u8;

        for x in w.insertion.iter_mut() {
            *x = rng.next();
        }
        insertion_sort(&mut w.insertion);
        for x in w.heap.iter_mut() {
            *x = rng.next() % 100_000;
        }
        heap_sort(&mut w.heap);
        sort = sort.wrapping_mul(31).wrapping_add(sorted_checksum(&w.insertion) ^ sorted_checksum(&w.heap));

        matmul(&w.a, &w.b, &mut w.c);
        matrix = matrix.wrapping_mul(31).wrapping_add(matrix_checksum(&w.c));
        w.a[i as usize % N][(i as usize * 7) % N] += 1;

        list = list.wrapping_mul(31).wrapping_add(walk(&w.next, &w.value, i as u32 % NODES as u32));
    }
    line("iterations", &[iterations]);
    line("crc32", &[u64::from(black_box(crc))]);
    line("sort", &[black_box(sort)]);
    line("matmul", &[black_box(matrix)]);
    line("list", &[black_box(list)]);
}

/// Fills the inputs: the CRC table and data, the matrices, and a list that visits every node
/// once in a random order (Sattolo's algorithm gives a single cycle).
fn setup(w: &mut Work, rng: &mut Rng) {
    for (i, entry) in w.crc_table.iter_mut().enumerate() {
        let mut c = i as u32;
        for _ in 0..8 {
            c = if c & 1 != 0 { 0xedb8_8320 ^ (c >> 1) } else { c >> 1 };
        }
        *entry = c;
    }
    for byte in w.data.iter_mut() {
        *byte = rng.next() as u8;
    }
    for row in 0..N {
        for col in 0..N {
            w.a[row][col] = (rng.next() % 2001) as i32 - 1000;
            w.b[row][col] = (rng.next() % 2001) as i32 - 1000;
        }
    }
    for (i, v) in w.value.iter_mut().enumerate() {
        *v = rng.next();
        w.next[i] = i as u32;
    }
    for i in (1..NODES).rev() {
        let j = rng.next() as usize % i;
        w.next.swap(i, j);
    }
}

/// Table-driven CRC-32 (IEEE 802.3, reflected, pre- and post-inverted).
fn crc32(table: &[u32; 256], data: &[u8]) -> u32 {
    let mut crc = u32::MAX;
    for &byte in data {
        crc = table[((crc ^ u32::from(byte)) & 0xff) as usize] ^ (crc >> 8);
    }
    !crc
}

fn insertion_sort(v: &mut [u32]) {
    for i in 1..v.len() {
        let x = v[i];
        let mut j = i;
        while j > 0 && v[j - 1] > x {
            v[j] = v[j - 1];
            j -= 1;
        }
        v[j] = x;
    }
}

fn heap_sort(v: &mut [u32]) {
    let len = v.len();
    for start in (0..len / 2).rev() {
        sift_down(v, start, len);
    }
    for end in (1..len).rev() {
        v.swap(0, end);
        sift_down(v, 0, end);
    }
}

fn sift_down(v: &mut [u32], mut root: usize, end: usize) {
    loop {
        let mut child = 2 * root + 1;
        if child >= end {
            return;
        }
        if child + 1 < end && v[child] < v[child + 1] {
            child += 1;
        }
        if v[root] >= v[child] {
            return;
        }
        v.swap(root, child);
        root = child;
    }
}

/// Position-weighted sum, plus a large penalty per out-of-order pair of neighbours.
fn sorted_checksum(v: &[u32]) -> u64 {
    let mut sum = 0u64;
    for (i, pair) in v.windows(2).enumerate() {
        sum = sum.wrapping_add(u64::from(pair[0]).wrapping_mul(i as u64 + 1));
        if pair[0] > pair[1] {
            sum = sum.wrapping_add(1 << 40);
        }
    }
    sum
}

fn matmul(a: &[[i32; N]; N], b: &[[i32; N]; N], c: &mut [[i32; N]; N]) {
    for i in 0..N {
        for j in 0..N {
            let mut acc = 0i32;
            for k in 0..N {
                acc = acc.wrapping_add(a[i][k].wrapping_mul(b[k][j]));
            }
            c[i][j] = acc;
        }
    }
}

fn matrix_checksum(c: &[[i32; N]; N]) -> u64 {
    let mut sum = 0u64;
    for (i, row) in c.iter().enumerate() {
        for (j, &x) in row.iter().enumerate() {
            sum = sum.wrapping_add((x as u32 as u64).wrapping_mul((i * N + j) as u64 | 1));
        }
    }
    sum
}

/// Follows `next` from `start` for [`STEPS`] nodes, mixing in each value.
fn walk(next: &[u32; NODES], value: &[u32; NODES], start: u32) -> u64 {
    let mut node = start as usize;
    let mut acc = 0u64;
    for _ in 0..STEPS {
        acc = acc.rotate_left(5) ^ u64::from(value[node]);
        node = next[node] as usize % NODES;
    }
    acc ^ node as u64
}
