;; Packed, register-blocked GEMM in 128-bit WebAssembly SIMD, float64 (gemmBand)
;; and float32 (gemmBand32, at the end of the file).
;;
;;     C[i, j] += sum_p A(i, p) B(p, j)   for rows i in [i0, i1), all j < n, p < k
;;
;; The caller (core/kernels/wasm/gemm.ts) has already packed op(A) and op(B)
;; into this memory, split along k into blocks of depth kb (the last one
;; shorter), each block laid out the way the micro-kernel reads it:
;;   A block at pa + pc*mpad*8: strips of MR = 4 rows, strip s holding
;;     A(4s + r, pc + p) at + (s*kc*4 + p*4 + r)*8, zero past row m;
;;   B block at pb + pc*npad*8: strips of NR = 4 columns, strip t holding
;;     B(pc + p, 4t + q) at + (t*kc*4 + p*4 + q)*8, zero past column n;
;; C is row-major with row stride ldc (elements). Every read in the hot loop is
;; unit-stride, and the zero padding means the loop has no edge cases.
;;
;; Why this shape (measured with Node 20.20's V8, bench/README.md): a 4 x 4 tile
;; is 8 f64x2 accumulators plus 2 vectors of B and 1 splat of A = 11 live
;; vectors. The 5 x 4 tile the issue measured (13 live vectors) spills with
;; this V8 and ran at half the speed (11 against 21 GFLOP/s in L1, the same
;; run); 6 x 4, 3 x 8 and 4 x 6 collapse the same way, 3 x 4 and 2 x 8 tie
;; with 4 x 4. No FMA: the
;; product is rounded and then added, exactly as the pure-JS kernel does, so
;; both backends give bit-identical sums (same blocks, same order).
;;
;; The memory is imported so that several threads can share it; the build
;; script assembles this text twice, once with a shared memory (worker threads)
;; and once without (browsers without cross-origin isolation).
(module
  (import "env" "memory" (memory 1 16384 @SHARED@))

  ;; One tile: acc(i, 0..3) = sum_p a[p*4 + i] * b[p*4 + 0..3] over p < kc; then
  ;; C[i, j] += acc(i, j) for i < mr, j < nr, or with $over C[i, j] = 0 + acc(i, j)
  ;; without reading C (the bits of adding into zeros, -0 included). `tile` is
  ;; 128 bytes of scratch for an edge tile (its own per thread).
  (func $micro (param $a i32) (param $b i32) (param $kc i32) (param $c i32) (param $ldc8 i32)
               (param $mr i32) (param $nr i32) (param $tile i32) (param $over i32)
    (local $end i32) (local $x v128) (local $b0 v128) (local $b1 v128)
    (local $c00 v128) (local $c01 v128) (local $c10 v128) (local $c11 v128)
    (local $c20 v128) (local $c21 v128) (local $c30 v128) (local $c31 v128)
    (local $i i32) (local $j i32) (local $addr i32)
    (local.set $end (i32.add (local.get $a) (i32.mul (local.get $kc) (i32.const 32))))
    (loop $k
      (local.set $b0 (v128.load align=8 (local.get $b)))
      (local.set $b1 (v128.load offset=16 align=8 (local.get $b)))
      (local.set $x (v128.load64_splat align=8 (local.get $a)))
      (local.set $c00 (f64x2.add (local.get $c00) (f64x2.mul (local.get $x) (local.get $b0))))
      (local.set $c01 (f64x2.add (local.get $c01) (f64x2.mul (local.get $x) (local.get $b1))))
      (local.set $x (v128.load64_splat offset=8 align=8 (local.get $a)))
      (local.set $c10 (f64x2.add (local.get $c10) (f64x2.mul (local.get $x) (local.get $b0))))
      (local.set $c11 (f64x2.add (local.get $c11) (f64x2.mul (local.get $x) (local.get $b1))))
      (local.set $x (v128.load64_splat offset=16 align=8 (local.get $a)))
      (local.set $c20 (f64x2.add (local.get $c20) (f64x2.mul (local.get $x) (local.get $b0))))
      (local.set $c21 (f64x2.add (local.get $c21) (f64x2.mul (local.get $x) (local.get $b1))))
      (local.set $x (v128.load64_splat offset=24 align=8 (local.get $a)))
      (local.set $c30 (f64x2.add (local.get $c30) (f64x2.mul (local.get $x) (local.get $b0))))
      (local.set $c31 (f64x2.add (local.get $c31) (f64x2.mul (local.get $x) (local.get $b1))))
      (local.set $a (i32.add (local.get $a) (i32.const 32)))
      (local.set $b (i32.add (local.get $b) (i32.const 32)))
      (br_if $k (i32.lt_u (local.get $a) (local.get $end))))
    (if (i32.and (i32.eq (local.get $mr) (i32.const 4)) (i32.eq (local.get $nr) (i32.const 4)))
      (then
        (local.set $addr (local.get $c))
        (v128.store align=8 (local.get $addr) (f64x2.add (select (result v128) (v128.const f64x2 0 0) (v128.load align=8 (local.get $addr)) (local.get $over)) (local.get $c00)))
        (v128.store offset=16 align=8 (local.get $addr) (f64x2.add (select (result v128) (v128.const f64x2 0 0) (v128.load offset=16 align=8 (local.get $addr)) (local.get $over)) (local.get $c01)))
        (local.set $addr (i32.add (local.get $addr) (local.get $ldc8)))
        (v128.store align=8 (local.get $addr) (f64x2.add (select (result v128) (v128.const f64x2 0 0) (v128.load align=8 (local.get $addr)) (local.get $over)) (local.get $c10)))
        (v128.store offset=16 align=8 (local.get $addr) (f64x2.add (select (result v128) (v128.const f64x2 0 0) (v128.load offset=16 align=8 (local.get $addr)) (local.get $over)) (local.get $c11)))
        (local.set $addr (i32.add (local.get $addr) (local.get $ldc8)))
        (v128.store align=8 (local.get $addr) (f64x2.add (select (result v128) (v128.const f64x2 0 0) (v128.load align=8 (local.get $addr)) (local.get $over)) (local.get $c20)))
        (v128.store offset=16 align=8 (local.get $addr) (f64x2.add (select (result v128) (v128.const f64x2 0 0) (v128.load offset=16 align=8 (local.get $addr)) (local.get $over)) (local.get $c21)))
        (local.set $addr (i32.add (local.get $addr) (local.get $ldc8)))
        (v128.store align=8 (local.get $addr) (f64x2.add (select (result v128) (v128.const f64x2 0 0) (v128.load align=8 (local.get $addr)) (local.get $over)) (local.get $c30)))
        (v128.store offset=16 align=8 (local.get $addr) (f64x2.add (select (result v128) (v128.const f64x2 0 0) (v128.load offset=16 align=8 (local.get $addr)) (local.get $over)) (local.get $c31)))
        (return)))
    ;; Edge tile: spill the accumulators (row i at tile + 32i) and add only the cells inside C.
    (v128.store offset=0 (local.get $tile) (local.get $c00))
    (v128.store offset=16 (local.get $tile) (local.get $c01))
    (v128.store offset=32 (local.get $tile) (local.get $c10))
    (v128.store offset=48 (local.get $tile) (local.get $c11))
    (v128.store offset=64 (local.get $tile) (local.get $c20))
    (v128.store offset=80 (local.get $tile) (local.get $c21))
    (v128.store offset=96 (local.get $tile) (local.get $c30))
    (v128.store offset=112 (local.get $tile) (local.get $c31))
    (local.set $i (i32.const 0))
    (loop $rows
      (local.set $j (i32.const 0))
      (loop $cols
        (local.set $addr (i32.add (local.get $c)
          (i32.add (i32.mul (local.get $i) (local.get $ldc8)) (i32.shl (local.get $j) (i32.const 3)))))
        (f64.store (local.get $addr)
          (f64.add (select (f64.const 0) (f64.load (local.get $addr)) (local.get $over))
            (f64.load (i32.add (local.get $tile)
              (i32.add (i32.shl (local.get $i) (i32.const 5)) (i32.shl (local.get $j) (i32.const 3)))))))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br_if $cols (i32.lt_u (local.get $j) (local.get $nr))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $rows (i32.lt_u (local.get $i) (local.get $mr)))))

  ;; The band of rows [i0, i1) and columns [j0, j1) of C (i0 a multiple of 4,
  ;; j0 of 4, j1 a multiple of 4 or n) over all k blocks: for each block, for
  ;; each B strip (kept in L1), sweep the A strips of the band. Disjoint bands
  ;; touch disjoint cells of C, so threads can run bands side by side; each element's sum is the same whatever the bands.
  ;; (n still sets the packed panels' padded width; [j0, j1) only picks strips.)
  ;; With $over (1) the first k block writes C instead of adding to it, so a C
  ;; known to be zero need not be cleared first; left out (0), the band adds.
  (func (export "gemmBand") (param $pa i32) (param $pb i32) (param $c i32) (param $m i32) (param $n i32)
        (param $k i32) (param $kb i32) (param $ldc i32) (param $i0 i32) (param $i1 i32) (param $j0 i32) (param $j1 i32) (param $tile i32) (param $over i32)
    (local $pc i32) (local $kc i32) (local $j i32) (local $i i32) (local $mpad8 i32) (local $npad8 i32)
    (local $ablock i32) (local $bblock i32) (local $ldc8 i32) (local $nr i32) (local $mr i32)
    (if (i32.or (i32.ge_u (local.get $i0) (local.get $i1)) (i32.ge_u (local.get $j0) (local.get $j1)))
      (then (return)))
    (local.set $mpad8 (i32.shl (i32.and (i32.add (local.get $m) (i32.const 3)) (i32.const -4)) (i32.const 3)))
    (local.set $npad8 (i32.shl (i32.and (i32.add (local.get $n) (i32.const 3)) (i32.const -4)) (i32.const 3)))
    (local.set $ldc8 (i32.shl (local.get $ldc) (i32.const 3)))
    (local.set $pc (i32.const 0))
    (loop $blocks
      (local.set $kc (select (local.get $kb) (i32.sub (local.get $k) (local.get $pc))
        (i32.lt_u (local.get $kb) (i32.sub (local.get $k) (local.get $pc)))))
      (local.set $ablock (i32.add (local.get $pa) (i32.mul (local.get $pc) (local.get $mpad8))))
      (local.set $bblock (i32.add (local.get $pb) (i32.mul (local.get $pc) (local.get $npad8))))
      (local.set $j (local.get $j0))
      (loop $cols
        (local.set $nr (select (i32.const 4) (i32.sub (local.get $j1) (local.get $j))
          (i32.lt_u (i32.const 4) (i32.sub (local.get $j1) (local.get $j)))))
        (local.set $i (local.get $i0))
        (loop $rows
          (local.set $mr (select (i32.const 4) (i32.sub (local.get $i1) (local.get $i))
            (i32.lt_u (i32.const 4) (i32.sub (local.get $i1) (local.get $i)))))
          (call $micro
            (i32.add (local.get $ablock) (i32.shl (i32.mul (local.get $i) (local.get $kc)) (i32.const 3)))
            (i32.add (local.get $bblock) (i32.shl (i32.mul (local.get $j) (local.get $kc)) (i32.const 3)))
            (local.get $kc)
            (i32.add (local.get $c)
              (i32.add (i32.mul (local.get $i) (local.get $ldc8)) (i32.shl (local.get $j) (i32.const 3))))
            (local.get $ldc8) (local.get $mr) (local.get $nr) (local.get $tile)
            (i32.and (local.get $over) (i32.eqz (local.get $pc))))
          (local.set $i (i32.add (local.get $i) (i32.const 4)))
          (br_if $rows (i32.lt_u (local.get $i) (local.get $i1))))
        (local.set $j (i32.add (local.get $j) (i32.const 4)))
        (br_if $cols (i32.lt_u (local.get $j) (local.get $j1))))
      (local.set $pc (i32.add (local.get $pc) (local.get $kc)))
      (br_if $blocks (i32.lt_u (local.get $pc) (local.get $k)))))

;; ---- float32: the same loops with f32x4 lanes and a 4 x 8 tile ----
;;
;; The packs hold f32 (4 bytes): A in strips of MR = 4 rows exactly as above,
;; B in strips of NR = 8 columns, strip t holding B(pc + p, 8t + q) at
;; + (t*kc*8 + p*8 + q)*4 in its block at pb + pc*npad*4 (npad a multiple of 8).
;; A 4 x 8 tile is 8 f32x4 accumulators, the same 11 live vectors as the f64
;; tile with twice the lanes: `npx tsx bench/wasm-tiles.ts` (2026-12-01 19:28,
;; load 2.5-3) gave 4x8 43-45, 2x16 44-45, 3x8 37-42, 2x12 36-42, 5x8 24,
;; 6x8 29, 3x12 22 GFLOP/s: 4 x 8 ties with the issue's 2 x 16 and keeps the
;; 4-row strips, so A packs and bands of rows are the f64 ones. No FMA:
;; products and sums are each rounded to float32, as the JS f32 kernel does
;; with Math.fround, so the two agree bit for bit.

  ;; One tile: acc(i, 0..7) = sum_p a[p*4 + i] * b[p*8 + 0..7] over p < kc (in f32);
  ;; then C[i, j] (+)= acc(i, j) for i < mr, j < nr as in $micro. `tile` is 128 bytes of scratch.
  (func $micro32 (param $a i32) (param $b i32) (param $kc i32) (param $c i32) (param $ldc4 i32)
               (param $mr i32) (param $nr i32) (param $tile i32) (param $over i32)
    (local $end i32) (local $x v128) (local $b0 v128) (local $b1 v128)
    (local $c00 v128) (local $c01 v128) (local $c10 v128) (local $c11 v128)
    (local $c20 v128) (local $c21 v128) (local $c30 v128) (local $c31 v128)
    (local $i i32) (local $j i32) (local $addr i32)
    (local.set $end (i32.add (local.get $a) (i32.mul (local.get $kc) (i32.const 16))))
    (loop $k
      (local.set $b0 (v128.load align=4 (local.get $b)))
      (local.set $b1 (v128.load offset=16 align=4 (local.get $b)))
      (local.set $x (v128.load32_splat align=4 (local.get $a)))
      (local.set $c00 (f32x4.add (local.get $c00) (f32x4.mul (local.get $x) (local.get $b0))))
      (local.set $c01 (f32x4.add (local.get $c01) (f32x4.mul (local.get $x) (local.get $b1))))
      (local.set $x (v128.load32_splat offset=4 align=4 (local.get $a)))
      (local.set $c10 (f32x4.add (local.get $c10) (f32x4.mul (local.get $x) (local.get $b0))))
      (local.set $c11 (f32x4.add (local.get $c11) (f32x4.mul (local.get $x) (local.get $b1))))
      (local.set $x (v128.load32_splat offset=8 align=4 (local.get $a)))
      (local.set $c20 (f32x4.add (local.get $c20) (f32x4.mul (local.get $x) (local.get $b0))))
      (local.set $c21 (f32x4.add (local.get $c21) (f32x4.mul (local.get $x) (local.get $b1))))
      (local.set $x (v128.load32_splat offset=12 align=4 (local.get $a)))
      (local.set $c30 (f32x4.add (local.get $c30) (f32x4.mul (local.get $x) (local.get $b0))))
      (local.set $c31 (f32x4.add (local.get $c31) (f32x4.mul (local.get $x) (local.get $b1))))
      (local.set $a (i32.add (local.get $a) (i32.const 16)))
      (local.set $b (i32.add (local.get $b) (i32.const 32)))
      (br_if $k (i32.lt_u (local.get $a) (local.get $end))))
    (if (i32.and (i32.eq (local.get $mr) (i32.const 4)) (i32.eq (local.get $nr) (i32.const 8)))
      (then
        (local.set $addr (local.get $c))
        (v128.store align=4 (local.get $addr) (f32x4.add (select (result v128) (v128.const f32x4 0 0 0 0) (v128.load align=4 (local.get $addr)) (local.get $over)) (local.get $c00)))
        (v128.store offset=16 align=4 (local.get $addr) (f32x4.add (select (result v128) (v128.const f32x4 0 0 0 0) (v128.load offset=16 align=4 (local.get $addr)) (local.get $over)) (local.get $c01)))
        (local.set $addr (i32.add (local.get $addr) (local.get $ldc4)))
        (v128.store align=4 (local.get $addr) (f32x4.add (select (result v128) (v128.const f32x4 0 0 0 0) (v128.load align=4 (local.get $addr)) (local.get $over)) (local.get $c10)))
        (v128.store offset=16 align=4 (local.get $addr) (f32x4.add (select (result v128) (v128.const f32x4 0 0 0 0) (v128.load offset=16 align=4 (local.get $addr)) (local.get $over)) (local.get $c11)))
        (local.set $addr (i32.add (local.get $addr) (local.get $ldc4)))
        (v128.store align=4 (local.get $addr) (f32x4.add (select (result v128) (v128.const f32x4 0 0 0 0) (v128.load align=4 (local.get $addr)) (local.get $over)) (local.get $c20)))
        (v128.store offset=16 align=4 (local.get $addr) (f32x4.add (select (result v128) (v128.const f32x4 0 0 0 0) (v128.load offset=16 align=4 (local.get $addr)) (local.get $over)) (local.get $c21)))
        (local.set $addr (i32.add (local.get $addr) (local.get $ldc4)))
        (v128.store align=4 (local.get $addr) (f32x4.add (select (result v128) (v128.const f32x4 0 0 0 0) (v128.load align=4 (local.get $addr)) (local.get $over)) (local.get $c30)))
        (v128.store offset=16 align=4 (local.get $addr) (f32x4.add (select (result v128) (v128.const f32x4 0 0 0 0) (v128.load offset=16 align=4 (local.get $addr)) (local.get $over)) (local.get $c31)))
        (return)))
    ;; Edge tile: spill the accumulators (row i at tile + 32i) and add only the cells inside C.
    (v128.store offset=0 (local.get $tile) (local.get $c00))
    (v128.store offset=16 (local.get $tile) (local.get $c01))
    (v128.store offset=32 (local.get $tile) (local.get $c10))
    (v128.store offset=48 (local.get $tile) (local.get $c11))
    (v128.store offset=64 (local.get $tile) (local.get $c20))
    (v128.store offset=80 (local.get $tile) (local.get $c21))
    (v128.store offset=96 (local.get $tile) (local.get $c30))
    (v128.store offset=112 (local.get $tile) (local.get $c31))
    (local.set $i (i32.const 0))
    (loop $rows
      (local.set $j (i32.const 0))
      (loop $cols
        (local.set $addr (i32.add (local.get $c)
          (i32.add (i32.mul (local.get $i) (local.get $ldc4)) (i32.shl (local.get $j) (i32.const 2)))))
        (f32.store (local.get $addr)
          (f32.add (select (f32.const 0) (f32.load (local.get $addr)) (local.get $over))
            (f32.load (i32.add (local.get $tile)
              (i32.add (i32.shl (local.get $i) (i32.const 5)) (i32.shl (local.get $j) (i32.const 2)))))))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br_if $cols (i32.lt_u (local.get $j) (local.get $nr))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $rows (i32.lt_u (local.get $i) (local.get $mr)))))

  ;; gemmBand in float32: rows [i0, i1), columns [j0, j1) of C (i0 a multiple of 4, j0 of 8,
  ;; j1 a multiple of 8 or n), all k blocks.
  (func (export "gemmBand32") (param $pa i32) (param $pb i32) (param $c i32) (param $m i32) (param $n i32)
        (param $k i32) (param $kb i32) (param $ldc i32) (param $i0 i32) (param $i1 i32) (param $j0 i32) (param $j1 i32) (param $tile i32) (param $over i32)
    (local $pc i32) (local $kc i32) (local $j i32) (local $i i32) (local $mpad4 i32) (local $npad4 i32)
    (local $ablock i32) (local $bblock i32) (local $ldc4 i32) (local $nr i32) (local $mr i32)
    (if (i32.or (i32.ge_u (local.get $i0) (local.get $i1)) (i32.ge_u (local.get $j0) (local.get $j1)))
      (then (return)))
    (local.set $mpad4 (i32.shl (i32.and (i32.add (local.get $m) (i32.const 3)) (i32.const -4)) (i32.const 2)))
    (local.set $npad4 (i32.shl (i32.and (i32.add (local.get $n) (i32.const 7)) (i32.const -8)) (i32.const 2)))
    (local.set $ldc4 (i32.shl (local.get $ldc) (i32.const 2)))
    (local.set $pc (i32.const 0))
    (loop $blocks
      (local.set $kc (select (local.get $kb) (i32.sub (local.get $k) (local.get $pc))
        (i32.lt_u (local.get $kb) (i32.sub (local.get $k) (local.get $pc)))))
      (local.set $ablock (i32.add (local.get $pa) (i32.mul (local.get $pc) (local.get $mpad4))))
      (local.set $bblock (i32.add (local.get $pb) (i32.mul (local.get $pc) (local.get $npad4))))
      (local.set $j (local.get $j0))
      (loop $cols
        (local.set $nr (select (i32.const 8) (i32.sub (local.get $j1) (local.get $j))
          (i32.lt_u (i32.const 8) (i32.sub (local.get $j1) (local.get $j)))))
        (local.set $i (local.get $i0))
        (loop $rows
          (local.set $mr (select (i32.const 4) (i32.sub (local.get $i1) (local.get $i))
            (i32.lt_u (i32.const 4) (i32.sub (local.get $i1) (local.get $i)))))
          (call $micro32
            (i32.add (local.get $ablock) (i32.shl (i32.mul (local.get $i) (local.get $kc)) (i32.const 2)))
            (i32.add (local.get $bblock) (i32.shl (i32.mul (local.get $j) (local.get $kc)) (i32.const 2)))
            (local.get $kc)
            (i32.add (local.get $c)
              (i32.add (i32.mul (local.get $i) (local.get $ldc4)) (i32.shl (local.get $j) (i32.const 2))))
            (local.get $ldc4) (local.get $mr) (local.get $nr) (local.get $tile)
            (i32.and (local.get $over) (i32.eqz (local.get $pc))))
          (local.set $i (i32.add (local.get $i) (i32.const 4)))
          (br_if $rows (i32.lt_u (local.get $i) (local.get $i1))))
        (local.set $j (i32.add (local.get $j) (i32.const 8)))
        (br_if $cols (i32.lt_u (local.get $j) (local.get $j1))))
      (local.set $pc (i32.add (local.get $pc) (local.get $kc)))
      (br_if $blocks (i32.lt_u (local.get $pc) (local.get $k)))))

;; ---- packing in wasm memory ----
;;
;; One k block of one operand, copied into this memory as it is (a dense
;; matrix, or its transpose), packed into strips of `width` lines (rows of
;; op(A), or columns of op(B)): strip s at dst + s*width*kc values holds value p
;; of line s*width + l at (p*width + l), read from src + (line*lineStride +
;; p*step) values; lines past `lines` are zero. The layout of pack.ts's
;; packStrip (which the JS backend and strided operands use), in SIMD: lines
;; adjacent (lineStride 1: B, or a transposed A) copy `width` values per p;
;; lines strided (step 1: A, or a transposed B) are transposed 4 x 4 (2 x 2
;; in float64). Addresses in bytes, strides in values.
  ;; float32: width 4 (A) or 8 (B)
  (func (export "pack32") (param $dst i32) (param $src i32) (param $lineStride i32) (param $step i32)
        (param $lines i32) (param $kc i32) (param $width i32)
    (local $s i32) (local $nl i32) (local $d i32) (local $l0 i32) (local $p i32) (local $l i32)
    (local $lsb i32) (local $stb i32) (local $quad i32) (local $v i32)
    (local $r0 v128) (local $r1 v128) (local $r2 v128) (local $r3 v128)
    (local $t0 v128) (local $t1 v128) (local $t2 v128) (local $t3 v128)
    (local.set $lsb (i32.shl (local.get $lineStride) (i32.const 2)))
    (local.set $stb (i32.shl (local.get $step) (i32.const 2)))
    (local.set $s (i32.const 0))
    (loop $strips
      (local.set $nl (select (local.get $width) (i32.sub (local.get $lines) (local.get $s))
        (i32.lt_u (local.get $width) (i32.sub (local.get $lines) (local.get $s)))))
      ;; d: this strip's first packed value; l0: its first line's value p (bytes)
      (local.set $d (i32.add (local.get $dst) (i32.shl (i32.mul (local.get $s) (local.get $kc)) (i32.const 2))))
      (local.set $l0 (i32.add (local.get $src) (i32.mul (local.get $s) (local.get $lsb))))
      (local.set $p (i32.const 0))
      (if (i32.and (i32.eq (local.get $nl) (local.get $width)) (i32.eq (local.get $lineStride) (i32.const 1)))
        (then
          ;; lines adjacent: width values per p
          (block $done (loop $copy
            (br_if $done (i32.ge_u (local.get $p) (local.get $kc)))
            (v128.store align=4 (local.get $d) (v128.load align=4 (local.get $l0)))
            (if (i32.eq (local.get $width) (i32.const 8))
              (then (v128.store offset=16 align=4 (local.get $d) (v128.load offset=16 align=4 (local.get $l0)))))
            (local.set $d (i32.add (local.get $d) (i32.shl (local.get $width) (i32.const 2))))
            (local.set $l0 (i32.add (local.get $l0) (local.get $stb)))
            (local.set $p (i32.add (local.get $p) (i32.const 1)))
            (br $copy))))
        (else (if (i32.and (i32.eq (local.get $nl) (local.get $width)) (i32.eq (local.get $step) (i32.const 1)))
          (then
            ;; lines strided: 4 lines x 4 values transposed at a time (width 8: two groups of 4 lines)
            (block $done (loop $tr
              (br_if $done (i32.gt_u (i32.add (local.get $p) (i32.const 4)) (local.get $kc)))
              (local.set $quad (i32.const 0))
              (loop $quads
                (local.set $v (i32.add (local.get $l0) (i32.mul (local.get $quad) (i32.shl (local.get $lsb) (i32.const 2)))))
                (local.set $r0 (v128.load align=4 (local.get $v)))
                (local.set $v (i32.add (local.get $v) (local.get $lsb)))
                (local.set $r1 (v128.load align=4 (local.get $v)))
                (local.set $v (i32.add (local.get $v) (local.get $lsb)))
                (local.set $r2 (v128.load align=4 (local.get $v)))
                (local.set $v (i32.add (local.get $v) (local.get $lsb)))
                (local.set $r3 (v128.load align=4 (local.get $v)))
                (local.set $t0 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $r0) (local.get $r1)))
                (local.set $t1 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $r0) (local.get $r1)))
                (local.set $t2 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $r2) (local.get $r3)))
                (local.set $t3 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $r2) (local.get $r3)))
                ;; values p + q of lines 4 quad .. 4 quad + 3 at d + (q*width + 4*quad)*4
                (local.set $v (i32.add (local.get $d) (i32.shl (local.get $quad) (i32.const 4))))
                (v128.store align=4 (local.get $v) (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $t0) (local.get $t2)))
                (local.set $v (i32.add (local.get $v) (i32.shl (local.get $width) (i32.const 2))))
                (v128.store align=4 (local.get $v) (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $t0) (local.get $t2)))
                (local.set $v (i32.add (local.get $v) (i32.shl (local.get $width) (i32.const 2))))
                (v128.store align=4 (local.get $v) (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $t1) (local.get $t3)))
                (local.set $v (i32.add (local.get $v) (i32.shl (local.get $width) (i32.const 2))))
                (v128.store align=4 (local.get $v) (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $t1) (local.get $t3)))
                (local.set $quad (i32.add (local.get $quad) (i32.const 1)))
                (br_if $quads (i32.lt_u (i32.shl (local.get $quad) (i32.const 2)) (local.get $width))))
              (local.set $d (i32.add (local.get $d) (i32.shl (local.get $width) (i32.const 4))))
              (local.set $l0 (i32.add (local.get $l0) (i32.const 16)))
              (local.set $p (i32.add (local.get $p) (i32.const 4)))
              (br $tr)))))))
      ;; the rest (an edge strip, other strides, the last p's of a transposed strip): one value at a time
      (block $done (loop $rest
        (br_if $done (i32.ge_u (local.get $p) (local.get $kc)))
        (local.set $l (i32.const 0))
        (loop $ls
          (local.set $v (i32.add (local.get $d) (i32.shl (local.get $l) (i32.const 2))))
          (if (i32.lt_u (local.get $l) (local.get $nl))
            (then (f32.store (local.get $v) (f32.load (i32.add (local.get $l0) (i32.mul (local.get $l) (local.get $lsb))))))
            (else (f32.store (local.get $v) (f32.const 0))))
          (local.set $l (i32.add (local.get $l) (i32.const 1)))
          (br_if $ls (i32.lt_u (local.get $l) (local.get $width))))
        (local.set $d (i32.add (local.get $d) (i32.shl (local.get $width) (i32.const 2))))
        (local.set $l0 (i32.add (local.get $l0) (local.get $stb)))
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (br $rest)))
      (local.set $s (i32.add (local.get $s) (local.get $width)))
      (br_if $strips (i32.lt_u (local.get $s) (local.get $lines)))))

  ;; float64: width 4
  (func (export "pack64") (param $dst i32) (param $src i32) (param $lineStride i32) (param $step i32)
        (param $lines i32) (param $kc i32) (param $width i32)
    (local $s i32) (local $nl i32) (local $d i32) (local $l0 i32) (local $p i32) (local $l i32)
    (local $lsb i32) (local $stb i32) (local $quad i32) (local $v i32)
    (local $r0 v128) (local $r1 v128) (local $r2 v128) (local $r3 v128)
    (local $t0 v128) (local $t1 v128) (local $t2 v128) (local $t3 v128)
    (local.set $lsb (i32.shl (local.get $lineStride) (i32.const 3)))
    (local.set $stb (i32.shl (local.get $step) (i32.const 3)))
    (local.set $s (i32.const 0))
    (loop $strips
      (local.set $nl (select (local.get $width) (i32.sub (local.get $lines) (local.get $s))
        (i32.lt_u (local.get $width) (i32.sub (local.get $lines) (local.get $s)))))
      ;; d: this strip's first packed value; l0: its first line's value p (bytes)
      (local.set $d (i32.add (local.get $dst) (i32.shl (i32.mul (local.get $s) (local.get $kc)) (i32.const 3))))
      (local.set $l0 (i32.add (local.get $src) (i32.mul (local.get $s) (local.get $lsb))))
      (local.set $p (i32.const 0))
      (if (i32.and (i32.eq (local.get $nl) (i32.const 4)) (i32.eq (local.get $width) (i32.const 4)))
        (then (if (i32.eq (local.get $lineStride) (i32.const 1))
          (then
            ;; lines adjacent: 4 values per p
            (block $done (loop $copy
              (br_if $done (i32.ge_u (local.get $p) (local.get $kc)))
              (v128.store align=8 (local.get $d) (v128.load align=8 (local.get $l0)))
              (v128.store offset=16 align=8 (local.get $d) (v128.load offset=16 align=8 (local.get $l0)))
              (local.set $d (i32.add (local.get $d) (i32.const 32)))
              (local.set $l0 (i32.add (local.get $l0) (local.get $stb)))
              (local.set $p (i32.add (local.get $p) (i32.const 1)))
              (br $copy))))
          (else (if (i32.eq (local.get $step) (i32.const 1))
            (then
              ;; lines strided: 2 lines x 2 values transposed at a time
              (block $done (loop $tr
                (br_if $done (i32.gt_u (i32.add (local.get $p) (i32.const 2)) (local.get $kc)))
                (local.set $r0 (v128.load align=8 (local.get $l0)))
                (local.set $v (i32.add (local.get $l0) (local.get $lsb)))
                (local.set $r1 (v128.load align=8 (local.get $v)))
                (local.set $v (i32.add (local.get $v) (local.get $lsb)))
                (local.set $r2 (v128.load align=8 (local.get $v)))
                (local.set $v (i32.add (local.get $v) (local.get $lsb)))
                (local.set $r3 (v128.load align=8 (local.get $v)))
                (v128.store align=8 (local.get $d) (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $r0) (local.get $r1)))
                (v128.store offset=16 align=8 (local.get $d) (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $r2) (local.get $r3)))
                (v128.store offset=32 align=8 (local.get $d) (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $r0) (local.get $r1)))
                (v128.store offset=48 align=8 (local.get $d) (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $r2) (local.get $r3)))
                (local.set $d (i32.add (local.get $d) (i32.const 64)))
                (local.set $l0 (i32.add (local.get $l0) (i32.const 16)))
                (local.set $p (i32.add (local.get $p) (i32.const 2)))
                (br $tr)))))))))
      ;; the rest (an edge strip, other strides, the last p's of a transposed strip): one value at a time
      (block $done (loop $rest
        (br_if $done (i32.ge_u (local.get $p) (local.get $kc)))
        (local.set $l (i32.const 0))
        (loop $ls
          (local.set $v (i32.add (local.get $d) (i32.shl (local.get $l) (i32.const 3))))
          (if (i32.lt_u (local.get $l) (local.get $nl))
            (then (f64.store (local.get $v) (f64.load (i32.add (local.get $l0) (i32.mul (local.get $l) (local.get $lsb))))))
            (else (f64.store (local.get $v) (f64.const 0))))
          (local.set $l (i32.add (local.get $l) (i32.const 1)))
          (br_if $ls (i32.lt_u (local.get $l) (local.get $width))))
        (local.set $d (i32.add (local.get $d) (i32.shl (local.get $width) (i32.const 3))))
        (local.set $l0 (i32.add (local.get $l0) (local.get $stb)))
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (br $rest)))
      (local.set $s (i32.add (local.get $s) (local.get $width)))
      (br_if $strips (i32.lt_u (local.get $s) (local.get $lines)))))
)
