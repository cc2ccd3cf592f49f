;; BatchNorm over [N, C] in 128-bit WebAssembly SIMD: the column loops of
;; core/kernels/batchnorm.ts and batchnorm-backward.ts, with the same
;; operations in the same order on every value, so the two backends give the
;; same bits (tests/core/kernels-wasm-streams.test.ts holds them to it).
;; Float64 data (colStats ...), and float32 data (colStats32 ...) read as
;; float64 and each result rounded once to float32, as V8 does in the JS loops.
;;
;; Each channel is a column of the row-major [n, c] array at x (bytes; row
;; stride c*8, or c*4 for float32), a lane per column, two columns per f64x2.
;; The loops go along rows, reading x front to back as the prefetcher likes,
;; and keep each column's running sums in a per-column array (a few KB, in
;; L1): every column's sum is still added in row order, exactly as the JS
;; kernel's scalar locals are. (Walking down blocks of columns, as the JS
;; kernel does, ran slower than JS here: at c = 512 the rows are 4 KB apart,
;; so one block's lines all fall into the same few cache sets.) Only the
;; first c8 columns (a multiple of 8) are done here, two vectors a step (four
;; ran no faster and pushed the module past the 4 KB a browser compiles
;; synchronously on its main thread); the caller does the rest. Per-column
;; arrays (mean, scale, ...) are float64 arrays of c values, walked by $o in
;; bytes; a float32 data element sits at $o / 2.
;;
;; The caller (core/kernels/wasm/norm.ts) copies x (and g) in and the output
;; out; the memory is imported as gemm.wat's is, and assembled twice the same way.
(module
  (import "env" "memory" (memory 1 16384 @SHARED@))

  ;; float64 data: mean[j] = (sum_r x[r, j]) / n, var[j] = (sum_r (x[r, j] - mean[j])^2) / n,
  ;; two passes (mean first), as the JS kernel.
  (func (export "colStats") (param $x i32) (param $n i32) (param $c i32) (param $c8 i32)
                            (param $mean i32) (param $var i32)
    (local $p i32) (local $o i32) (local $end i32) (local $step i32) (local $w i32) (local $nv v128) (local $d v128)
    (local.set $step (i32.shl (local.get $c) (i32.const 3)))
    (local.set $w (i32.shl (local.get $c8) (i32.const 3)))
    (local.set $nv (f64x2.splat (f64.convert_i32_u (local.get $n))))
    (local.set $o (i32.const 0))
    (block $done (loop $each
      (br_if $done (i32.ge_u (local.get $o) (local.get $w)))
      (v128.store (i32.add (local.get $mean) (local.get $o)) (v128.const i64x2 0 0))
      (v128.store (i32.add (local.get $var) (local.get $o)) (v128.const i64x2 0 0))
      (local.set $o (i32.add (local.get $o) (i32.const 16)))
      (br $each)))
    (local.set $p (local.get $x))
    (local.set $end (i32.add (local.get $x) (i32.mul (local.get $n) (local.get $step))))
    (block $rowsDone (loop $rows
      (br_if $rowsDone (i32.ge_u (local.get $p) (local.get $end)))
      (local.set $o (i32.const 0))
      (block $colsDone (loop $cols
        (br_if $colsDone (i32.ge_u (local.get $o) (local.get $w)))
        (v128.store align=8 (i32.add (local.get $mean) (local.get $o)) (f64x2.add (v128.load align=8 (i32.add (local.get $mean) (local.get $o))) (v128.load align=8 (i32.add (local.get $p) (local.get $o)))))
        (v128.store offset=16 align=8 (i32.add (local.get $mean) (local.get $o)) (f64x2.add (v128.load offset=16 align=8 (i32.add (local.get $mean) (local.get $o))) (v128.load offset=16 align=8 (i32.add (local.get $p) (local.get $o)))))
        (local.set $o (i32.add (local.get $o) (i32.const 32)))
        (br $cols)))
      (local.set $p (i32.add (local.get $p) (local.get $step)))

      (br $rows)))
    (local.set $o (i32.const 0))
    (block $done (loop $each
      (br_if $done (i32.ge_u (local.get $o) (local.get $w)))
      (v128.store align=8 (i32.add (local.get $mean) (local.get $o)) (f64x2.div (v128.load align=8 (i32.add (local.get $mean) (local.get $o))) (local.get $nv)))
      (local.set $o (i32.add (local.get $o) (i32.const 16)))
      (br $each)))
    (local.set $p (local.get $x))
    (local.set $end (i32.add (local.get $x) (i32.mul (local.get $n) (local.get $step))))
    (block $rowsDone (loop $rows
      (br_if $rowsDone (i32.ge_u (local.get $p) (local.get $end)))
      (local.set $o (i32.const 0))
      (block $colsDone (loop $cols
        (br_if $colsDone (i32.ge_u (local.get $o) (local.get $w)))
        (local.set $d (f64x2.sub (v128.load align=8 (i32.add (local.get $p) (local.get $o))) (v128.load align=8 (i32.add (local.get $mean) (local.get $o)))))
        (v128.store align=8 (i32.add (local.get $var) (local.get $o)) (f64x2.add (v128.load align=8 (i32.add (local.get $var) (local.get $o))) (f64x2.mul (local.get $d) (local.get $d))))
        (local.set $d (f64x2.sub (v128.load offset=16 align=8 (i32.add (local.get $p) (local.get $o))) (v128.load offset=16 align=8 (i32.add (local.get $mean) (local.get $o)))))
        (v128.store offset=16 align=8 (i32.add (local.get $var) (local.get $o)) (f64x2.add (v128.load offset=16 align=8 (i32.add (local.get $var) (local.get $o))) (f64x2.mul (local.get $d) (local.get $d))))
        (local.set $o (i32.add (local.get $o) (i32.const 32)))
        (br $cols)))
      (local.set $p (i32.add (local.get $p) (local.get $step)))

      (br $rows)))
    (local.set $o (i32.const 0))
    (block $done (loop $each
      (br_if $done (i32.ge_u (local.get $o) (local.get $w)))
      (v128.store align=8 (i32.add (local.get $var) (local.get $o)) (f64x2.div (v128.load align=8 (i32.add (local.get $var) (local.get $o))) (local.get $nv)))
      (local.set $o (i32.add (local.get $o) (i32.const 16)))
      (br $each)))
  )

  ;; float64 data: out[r, j] = (x[r, j] - mean[j]) * scale[j] + shift[j].
  (func (export "colAffine") (param $x i32) (param $out i32) (param $n i32) (param $c i32) (param $c8 i32)
                             (param $mean i32) (param $scale i32) (param $shift i32)
    (local $p i32) (local $o i32) (local $end i32) (local $step i32) (local $w i32) (local $q i32)
    (local.set $step (i32.shl (local.get $c) (i32.const 3)))
    (local.set $w (i32.shl (local.get $c8) (i32.const 3)))
    (local.set $q (local.get $out))
    (local.set $p (local.get $x))
    (local.set $end (i32.add (local.get $x) (i32.mul (local.get $n) (local.get $step))))
    (block $rowsDone (loop $rows
      (br_if $rowsDone (i32.ge_u (local.get $p) (local.get $end)))
      (local.set $o (i32.const 0))
      (block $colsDone (loop $cols
        (br_if $colsDone (i32.ge_u (local.get $o) (local.get $w)))
        (v128.store align=8 (i32.add (local.get $q) (local.get $o)) (f64x2.add (f64x2.mul (f64x2.sub (v128.load align=8 (i32.add (local.get $p) (local.get $o))) (v128.load align=8 (i32.add (local.get $mean) (local.get $o)))) (v128.load align=8 (i32.add (local.get $scale) (local.get $o)))) (v128.load align=8 (i32.add (local.get $shift) (local.get $o)))))
        (v128.store offset=16 align=8 (i32.add (local.get $q) (local.get $o)) (f64x2.add (f64x2.mul (f64x2.sub (v128.load offset=16 align=8 (i32.add (local.get $p) (local.get $o))) (v128.load offset=16 align=8 (i32.add (local.get $mean) (local.get $o)))) (v128.load offset=16 align=8 (i32.add (local.get $scale) (local.get $o)))) (v128.load offset=16 align=8 (i32.add (local.get $shift) (local.get $o)))))
        (local.set $o (i32.add (local.get $o) (i32.const 32)))
        (br $cols)))
      (local.set $p (i32.add (local.get $p) (local.get $step)))
      (local.set $q (i32.add (local.get $q) (local.get $step)))
      (br $rows)))
  )

  ;; float64 data: with xc = x[r, j] - mean[j], dbias[j] = sum_r g[r, j],
  ;; dweight[j] = sum_r g[r, j] * xc, residue[j] = sum_r xc, in row order.
  (func (export "colSums") (param $g i32) (param $x i32) (param $n i32) (param $c i32) (param $c8 i32)
                           (param $mean i32) (param $dbias i32) (param $dweight i32) (param $residue i32)
    (local $p i32) (local $o i32) (local $end i32) (local $step i32) (local $w i32) (local $q i32) (local $h v128) (local $xc v128)
    (local.set $step (i32.shl (local.get $c) (i32.const 3)))
    (local.set $w (i32.shl (local.get $c8) (i32.const 3)))
    (local.set $o (i32.const 0))
    (block $done (loop $each
      (br_if $done (i32.ge_u (local.get $o) (local.get $w)))
      (v128.store (i32.add (local.get $dbias) (local.get $o)) (v128.const i64x2 0 0))
      (v128.store (i32.add (local.get $dweight) (local.get $o)) (v128.const i64x2 0 0))
      (v128.store (i32.add (local.get $residue) (local.get $o)) (v128.const i64x2 0 0))
      (local.set $o (i32.add (local.get $o) (i32.const 16)))
      (br $each)))
    (local.set $q (local.get $g))
    (local.set $p (local.get $x))
    (local.set $end (i32.add (local.get $x) (i32.mul (local.get $n) (local.get $step))))
    (block $rowsDone (loop $rows
      (br_if $rowsDone (i32.ge_u (local.get $p) (local.get $end)))
      (local.set $o (i32.const 0))
      (block $colsDone (loop $cols
        (br_if $colsDone (i32.ge_u (local.get $o) (local.get $w)))
        (local.set $xc (f64x2.sub (v128.load align=8 (i32.add (local.get $p) (local.get $o))) (v128.load align=8 (i32.add (local.get $mean) (local.get $o)))))
        (local.set $h (v128.load align=8 (i32.add (local.get $q) (local.get $o))))
        (v128.store align=8 (i32.add (local.get $dbias) (local.get $o)) (f64x2.add (v128.load align=8 (i32.add (local.get $dbias) (local.get $o))) (local.get $h)))
        (v128.store align=8 (i32.add (local.get $dweight) (local.get $o)) (f64x2.add (v128.load align=8 (i32.add (local.get $dweight) (local.get $o))) (f64x2.mul (local.get $h) (local.get $xc))))
        (v128.store align=8 (i32.add (local.get $residue) (local.get $o)) (f64x2.add (v128.load align=8 (i32.add (local.get $residue) (local.get $o))) (local.get $xc)))
        (local.set $xc (f64x2.sub (v128.load offset=16 align=8 (i32.add (local.get $p) (local.get $o))) (v128.load offset=16 align=8 (i32.add (local.get $mean) (local.get $o)))))
        (local.set $h (v128.load offset=16 align=8 (i32.add (local.get $q) (local.get $o))))
        (v128.store offset=16 align=8 (i32.add (local.get $dbias) (local.get $o)) (f64x2.add (v128.load offset=16 align=8 (i32.add (local.get $dbias) (local.get $o))) (local.get $h)))
        (v128.store offset=16 align=8 (i32.add (local.get $dweight) (local.get $o)) (f64x2.add (v128.load offset=16 align=8 (i32.add (local.get $dweight) (local.get $o))) (f64x2.mul (local.get $h) (local.get $xc))))
        (v128.store offset=16 align=8 (i32.add (local.get $residue) (local.get $o)) (f64x2.add (v128.load offset=16 align=8 (i32.add (local.get $residue) (local.get $o))) (local.get $xc)))
        (local.set $o (i32.add (local.get $o) (i32.const 32)))
        (br $cols)))
      (local.set $p (i32.add (local.get $p) (local.get $step)))
      (local.set $q (i32.add (local.get $q) (local.get $step)))
      (br $rows)))
  )

  ;; float64 data: dx[r, j] = k[j] * (g[r, j] - gMean[j] - (x[r, j] - mean[j] - rr[j]) * q[j]).
  (func (export "colGrad") (param $g i32) (param $x i32) (param $dx i32) (param $n i32) (param $c i32)
                           (param $c8 i32) (param $mean i32) (param $rr i32) (param $k i32)
                           (param $gMean i32) (param $q i32)
    (local $p i32) (local $o i32) (local $end i32) (local $step i32) (local $w i32) (local $h i32) (local $d i32)
    (local.set $step (i32.shl (local.get $c) (i32.const 3)))
    (local.set $w (i32.shl (local.get $c8) (i32.const 3)))
    (local.set $h (local.get $g))
    (local.set $d (local.get $dx))
    (local.set $p (local.get $x))
    (local.set $end (i32.add (local.get $x) (i32.mul (local.get $n) (local.get $step))))
    (block $rowsDone (loop $rows
      (br_if $rowsDone (i32.ge_u (local.get $p) (local.get $end)))
      (local.set $o (i32.const 0))
      (block $colsDone (loop $cols
        (br_if $colsDone (i32.ge_u (local.get $o) (local.get $w)))
        (v128.store align=8 (i32.add (local.get $d) (local.get $o)) (f64x2.mul (v128.load align=8 (i32.add (local.get $k) (local.get $o))) (f64x2.sub (f64x2.sub (v128.load align=8 (i32.add (local.get $h) (local.get $o))) (v128.load align=8 (i32.add (local.get $gMean) (local.get $o)))) (f64x2.mul (f64x2.sub (f64x2.sub (v128.load align=8 (i32.add (local.get $p) (local.get $o))) (v128.load align=8 (i32.add (local.get $mean) (local.get $o)))) (v128.load align=8 (i32.add (local.get $rr) (local.get $o)))) (v128.load align=8 (i32.add (local.get $q) (local.get $o)))))))
        (v128.store offset=16 align=8 (i32.add (local.get $d) (local.get $o)) (f64x2.mul (v128.load offset=16 align=8 (i32.add (local.get $k) (local.get $o))) (f64x2.sub (f64x2.sub (v128.load offset=16 align=8 (i32.add (local.get $h) (local.get $o))) (v128.load offset=16 align=8 (i32.add (local.get $gMean) (local.get $o)))) (f64x2.mul (f64x2.sub (f64x2.sub (v128.load offset=16 align=8 (i32.add (local.get $p) (local.get $o))) (v128.load offset=16 align=8 (i32.add (local.get $mean) (local.get $o)))) (v128.load offset=16 align=8 (i32.add (local.get $rr) (local.get $o)))) (v128.load offset=16 align=8 (i32.add (local.get $q) (local.get $o)))))))
        (local.set $o (i32.add (local.get $o) (i32.const 32)))
        (br $cols)))
      (local.set $p (i32.add (local.get $p) (local.get $step)))
      (local.set $h (i32.add (local.get $h) (local.get $step)))
      (local.set $d (i32.add (local.get $d) (local.get $step)))
      (br $rows)))
  )

  ;; float32 data (read as float64, results rounded once to float32): mean[j] = (sum_r x[r, j]) / n, var[j] = (sum_r (x[r, j] - mean[j])^2) / n,
  ;; two passes (mean first), as the JS kernel.
  (func (export "colStats32") (param $x i32) (param $n i32) (param $c i32) (param $c8 i32)
                            (param $mean i32) (param $var i32)
    (local $p i32) (local $o i32) (local $end i32) (local $step i32) (local $w i32) (local $nv v128) (local $d v128)
    (local.set $step (i32.shl (local.get $c) (i32.const 2)))
    (local.set $w (i32.shl (local.get $c8) (i32.const 3)))
    (local.set $nv (f64x2.splat (f64.convert_i32_u (local.get $n))))
    (local.set $o (i32.const 0))
    (block $done (loop $each
      (br_if $done (i32.ge_u (local.get $o) (local.get $w)))
      (v128.store (i32.add (local.get $mean) (local.get $o)) (v128.const i64x2 0 0))
      (v128.store (i32.add (local.get $var) (local.get $o)) (v128.const i64x2 0 0))
      (local.set $o (i32.add (local.get $o) (i32.const 16)))
      (br $each)))
    (local.set $p (local.get $x))
    (local.set $end (i32.add (local.get $x) (i32.mul (local.get $n) (local.get $step))))
    (block $rowsDone (loop $rows
      (br_if $rowsDone (i32.ge_u (local.get $p) (local.get $end)))
      (local.set $o (i32.const 0))
      (block $colsDone (loop $cols
        (br_if $colsDone (i32.ge_u (local.get $o) (local.get $w)))
        (v128.store align=8 (i32.add (local.get $mean) (local.get $o)) (f64x2.add (v128.load align=8 (i32.add (local.get $mean) (local.get $o))) (f64x2.promote_low_f32x4 (v128.load64_zero align=4 (i32.add (local.get $p) (i32.shr_u (local.get $o) (i32.const 1)))))))
        (v128.store offset=16 align=8 (i32.add (local.get $mean) (local.get $o)) (f64x2.add (v128.load offset=16 align=8 (i32.add (local.get $mean) (local.get $o))) (f64x2.promote_low_f32x4 (v128.load64_zero offset=8 align=4 (i32.add (local.get $p) (i32.shr_u (local.get $o) (i32.const 1)))))))
        (local.set $o (i32.add (local.get $o) (i32.const 32)))
        (br $cols)))
      (local.set $p (i32.add (local.get $p) (local.get $step)))

      (br $rows)))
    (local.set $o (i32.const 0))
    (block $done (loop $each
      (br_if $done (i32.ge_u (local.get $o) (local.get $w)))
      (v128.store align=8 (i32.add (local.get $mean) (local.get $o)) (f64x2.div (v128.load align=8 (i32.add (local.get $mean) (local.get $o))) (local.get $nv)))
      (local.set $o (i32.add (local.get $o) (i32.const 16)))
      (br $each)))
    (local.set $p (local.get $x))
    (local.set $end (i32.add (local.get $x) (i32.mul (local.get $n) (local.get $step))))
    (block $rowsDone (loop $rows
      (br_if $rowsDone (i32.ge_u (local.get $p) (local.get $end)))
      (local.set $o (i32.const 0))
      (block $colsDone (loop $cols
        (br_if $colsDone (i32.ge_u (local.get $o) (local.get $w)))
        (local.set $d (f64x2.sub (f64x2.promote_low_f32x4 (v128.load64_zero align=4 (i32.add (local.get $p) (i32.shr_u (local.get $o) (i32.const 1))))) (v128.load align=8 (i32.add (local.get $mean) (local.get $o)))))
        (v128.store align=8 (i32.add (local.get $var) (local.get $o)) (f64x2.add (v128.load align=8 (i32.add (local.get $var) (local.get $o))) (f64x2.mul (local.get $d) (local.get $d))))
        (local.set $d (f64x2.sub (f64x2.promote_low_f32x4 (v128.load64_zero offset=8 align=4 (i32.add (local.get $p) (i32.shr_u (local.get $o) (i32.const 1))))) (v128.load offset=16 align=8 (i32.add (local.get $mean) (local.get $o)))))
        (v128.store offset=16 align=8 (i32.add (local.get $var) (local.get $o)) (f64x2.add (v128.load offset=16 align=8 (i32.add (local.get $var) (local.get $o))) (f64x2.mul (local.get $d) (local.get $d))))
        (local.set $o (i32.add (local.get $o) (i32.const 32)))
        (br $cols)))
      (local.set $p (i32.add (local.get $p) (local.get $step)))

      (br $rows)))
    (local.set $o (i32.const 0))
    (block $done (loop $each
      (br_if $done (i32.ge_u (local.get $o) (local.get $w)))
      (v128.store align=8 (i32.add (local.get $var) (local.get $o)) (f64x2.div (v128.load align=8 (i32.add (local.get $var) (local.get $o))) (local.get $nv)))
      (local.set $o (i32.add (local.get $o) (i32.const 16)))
      (br $each)))
  )

  ;; float32 data (read as float64, results rounded once to float32): out[r, j] = (x[r, j] - mean[j]) * scale[j] + shift[j].
  (func (export "colAffine32") (param $x i32) (param $out i32) (param $n i32) (param $c i32) (param $c8 i32)
                             (param $mean i32) (param $scale i32) (param $shift i32)
    (local $p i32) (local $o i32) (local $end i32) (local $step i32) (local $w i32) (local $q i32)
    (local.set $step (i32.shl (local.get $c) (i32.const 2)))
    (local.set $w (i32.shl (local.get $c8) (i32.const 3)))
    (local.set $q (local.get $out))
    (local.set $p (local.get $x))
    (local.set $end (i32.add (local.get $x) (i32.mul (local.get $n) (local.get $step))))
    (block $rowsDone (loop $rows
      (br_if $rowsDone (i32.ge_u (local.get $p) (local.get $end)))
      (local.set $o (i32.const 0))
      (block $colsDone (loop $cols
        (br_if $colsDone (i32.ge_u (local.get $o) (local.get $w)))
        (v128.store64_lane align=4 0 (i32.add (local.get $q) (i32.shr_u (local.get $o) (i32.const 1))) (f32x4.demote_f64x2_zero (f64x2.add (f64x2.mul (f64x2.sub (f64x2.promote_low_f32x4 (v128.load64_zero align=4 (i32.add (local.get $p) (i32.shr_u (local.get $o) (i32.const 1))))) (v128.load align=8 (i32.add (local.get $mean) (local.get $o)))) (v128.load align=8 (i32.add (local.get $scale) (local.get $o)))) (v128.load align=8 (i32.add (local.get $shift) (local.get $o))))))
        (v128.store64_lane offset=8 align=4 0 (i32.add (local.get $q) (i32.shr_u (local.get $o) (i32.const 1))) (f32x4.demote_f64x2_zero (f64x2.add (f64x2.mul (f64x2.sub (f64x2.promote_low_f32x4 (v128.load64_zero offset=8 align=4 (i32.add (local.get $p) (i32.shr_u (local.get $o) (i32.const 1))))) (v128.load offset=16 align=8 (i32.add (local.get $mean) (local.get $o)))) (v128.load offset=16 align=8 (i32.add (local.get $scale) (local.get $o)))) (v128.load offset=16 align=8 (i32.add (local.get $shift) (local.get $o))))))
        (local.set $o (i32.add (local.get $o) (i32.const 32)))
        (br $cols)))
      (local.set $p (i32.add (local.get $p) (local.get $step)))
      (local.set $q (i32.add (local.get $q) (local.get $step)))
      (br $rows)))
  )

  ;; float32 data (read as float64, results rounded once to float32): with xc = x[r, j] - mean[j], dbias[j] = sum_r g[r, j],
  ;; dweight[j] = sum_r g[r, j] * xc, residue[j] = sum_r xc, in row order.
  (func (export "colSums32") (param $g i32) (param $x i32) (param $n i32) (param $c i32) (param $c8 i32)
                           (param $mean i32) (param $dbias i32) (param $dweight i32) (param $residue i32)
    (local $p i32) (local $o i32) (local $end i32) (local $step i32) (local $w i32) (local $q i32) (local $h v128) (local $xc v128)
    (local.set $step (i32.shl (local.get $c) (i32.const 2)))
    (local.set $w (i32.shl (local.get $c8) (i32.const 3)))
    (local.set $o (i32.const 0))
    (block $done (loop $each
      (br_if $done (i32.ge_u (local.get $o) (local.get $w)))
      (v128.store (i32.add (local.get $dbias) (local.get $o)) (v128.const i64x2 0 0))
      (v128.store (i32.add (local.get $dweight) (local.get $o)) (v128.const i64x2 0 0))
      (v128.store (i32.add (local.get $residue) (local.get $o)) (v128.const i64x2 0 0))
      (local.set $o (i32.add (local.get $o) (i32.const 16)))
      (br $each)))
    (local.set $q (local.get $g))
    (local.set $p (local.get $x))
    (local.set $end (i32.add (local.get $x) (i32.mul (local.get $n) (local.get $step))))
    (block $rowsDone (loop $rows
      (br_if $rowsDone (i32.ge_u (local.get $p) (local.get $end)))
      (local.set $o (i32.const 0))
      (block $colsDone (loop $cols
        (br_if $colsDone (i32.ge_u (local.get $o) (local.get $w)))
        (local.set $xc (f64x2.sub (f64x2.promote_low_f32x4 (v128.load64_zero align=4 (i32.add (local.get $p) (i32.shr_u (local.get $o) (i32.const 1))))) (v128.load align=8 (i32.add (local.get $mean) (local.get $o)))))
        (local.set $h (f64x2.promote_low_f32x4 (v128.load64_zero align=4 (i32.add (local.get $q) (i32.shr_u (local.get $o) (i32.const 1))))))
        (v128.store align=8 (i32.add (local.get $dbias) (local.get $o)) (f64x2.add (v128.load align=8 (i32.add (local.get $dbias) (local.get $o))) (local.get $h)))
        (v128.store align=8 (i32.add (local.get $dweight) (local.get $o)) (f64x2.add (v128.load align=8 (i32.add (local.get $dweight) (local.get $o))) (f64x2.mul (local.get $h) (local.get $xc))))
        (v128.store align=8 (i32.add (local.get $residue) (local.get $o)) (f64x2.add (v128.load align=8 (i32.add (local.get $residue) (local.get $o))) (local.get $xc)))
        (local.set $xc (f64x2.sub (f64x2.promote_low_f32x4 (v128.load64_zero offset=8 align=4 (i32.add (local.get $p) (i32.shr_u (local.get $o) (i32.const 1))))) (v128.load offset=16 align=8 (i32.add (local.get $mean) (local.get $o)))))
        (local.set $h (f64x2.promote_low_f32x4 (v128.load64_zero offset=8 align=4 (i32.add (local.get $q) (i32.shr_u (local.get $o) (i32.const 1))))))
        (v128.store offset=16 align=8 (i32.add (local.get $dbias) (local.get $o)) (f64x2.add (v128.load offset=16 align=8 (i32.add (local.get $dbias) (local.get $o))) (local.get $h)))
        (v128.store offset=16 align=8 (i32.add (local.get $dweight) (local.get $o)) (f64x2.add (v128.load offset=16 align=8 (i32.add (local.get $dweight) (local.get $o))) (f64x2.mul (local.get $h) (local.get $xc))))
        (v128.store offset=16 align=8 (i32.add (local.get $residue) (local.get $o)) (f64x2.add (v128.load offset=16 align=8 (i32.add (local.get $residue) (local.get $o))) (local.get $xc)))
        (local.set $o (i32.add (local.get $o) (i32.const 32)))
        (br $cols)))
      (local.set $p (i32.add (local.get $p) (local.get $step)))
      (local.set $q (i32.add (local.get $q) (local.get $step)))
      (br $rows)))
  )

  ;; float32 data (read as float64, results rounded once to float32): dx[r, j] = k[j] * (g[r, j] - gMean[j] - (x[r, j] - mean[j] - rr[j]) * q[j]).
  (func (export "colGrad32") (param $g i32) (param $x i32) (param $dx i32) (param $n i32) (param $c i32)
                           (param $c8 i32) (param $mean i32) (param $rr i32) (param $k i32)
                           (param $gMean i32) (param $q i32)
    (local $p i32) (local $o i32) (local $end i32) (local $step i32) (local $w i32) (local $h i32) (local $d i32)
    (local.set $step (i32.shl (local.get $c) (i32.const 2)))
    (local.set $w (i32.shl (local.get $c8) (i32.const 3)))
    (local.set $h (local.get $g))
    (local.set $d (local.get $dx))
    (local.set $p (local.get $x))
    (local.set $end (i32.add (local.get $x) (i32.mul (local.get $n) (local.get $step))))
    (block $rowsDone (loop $rows
      (br_if $rowsDone (i32.ge_u (local.get $p) (local.get $end)))
      (local.set $o (i32.const 0))
      (block $colsDone (loop $cols
        (br_if $colsDone (i32.ge_u (local.get $o) (local.get $w)))
        (v128.store64_lane align=4 0 (i32.add (local.get $d) (i32.shr_u (local.get $o) (i32.const 1))) (f32x4.demote_f64x2_zero (f64x2.mul (v128.load align=8 (i32.add (local.get $k) (local.get $o))) (f64x2.sub (f64x2.sub (f64x2.promote_low_f32x4 (v128.load64_zero align=4 (i32.add (local.get $h) (i32.shr_u (local.get $o) (i32.const 1))))) (v128.load align=8 (i32.add (local.get $gMean) (local.get $o)))) (f64x2.mul (f64x2.sub (f64x2.sub (f64x2.promote_low_f32x4 (v128.load64_zero align=4 (i32.add (local.get $p) (i32.shr_u (local.get $o) (i32.const 1))))) (v128.load align=8 (i32.add (local.get $mean) (local.get $o)))) (v128.load align=8 (i32.add (local.get $rr) (local.get $o)))) (v128.load align=8 (i32.add (local.get $q) (local.get $o))))))))
        (v128.store64_lane offset=8 align=4 0 (i32.add (local.get $d) (i32.shr_u (local.get $o) (i32.const 1))) (f32x4.demote_f64x2_zero (f64x2.mul (v128.load offset=16 align=8 (i32.add (local.get $k) (local.get $o))) (f64x2.sub (f64x2.sub (f64x2.promote_low_f32x4 (v128.load64_zero offset=8 align=4 (i32.add (local.get $h) (i32.shr_u (local.get $o) (i32.const 1))))) (v128.load offset=16 align=8 (i32.add (local.get $gMean) (local.get $o)))) (f64x2.mul (f64x2.sub (f64x2.sub (f64x2.promote_low_f32x4 (v128.load64_zero offset=8 align=4 (i32.add (local.get $p) (i32.shr_u (local.get $o) (i32.const 1))))) (v128.load offset=16 align=8 (i32.add (local.get $mean) (local.get $o)))) (v128.load offset=16 align=8 (i32.add (local.get $rr) (local.get $o)))) (v128.load offset=16 align=8 (i32.add (local.get $q) (local.get $o))))))))
        (local.set $o (i32.add (local.get $o) (i32.const 32)))
        (br $cols)))
      (local.set $p (i32.add (local.get $p) (local.get $step)))
      (local.set $h (i32.add (local.get $h) (local.get $step)))
      (local.set $d (i32.add (local.get $d) (local.get $step)))
      (br $rows)))
  )
)
