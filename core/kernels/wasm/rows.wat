;; LayerNorm over [R, D] (a group per contiguous row) in 128-bit WebAssembly
;; SIMD: the row loops of core/kernels/layernorm.ts, with the same operations
;; in the same order on every value, so the two backends give the same bits
;; (tests/core/kernels-wasm-streams.test.ts). Float64 data (rowSums ...) and
;; float32 data (rowSums32 ...), read as float64 and each result rounded once
;; to float32, as V8 does in the JS loops. The statistics are channels.wat's
;; chStats ([R, D] is the channels layout [1, R, D]).
;;
;; The JS loops sum each row in one running sum; rowSums takes rows i..i+3 at
;; once, a lane each (four chains side by side), for sdy = sum g w[k],
;; sdyx = sum g w[k] (x - mean) rstd and the residue sum (x - mean), over the
;; first r4 rows (a multiple of 4; the caller sums the rest). The passes that
;; map values go along each row two values a step (then one for an odd d),
;; the row's constants splatted and the per-column ones (w, b, and the dbias /
;; dweight sums, added row after row as the JS loop adds them) read from
;; float64 arrays of d values walked by $c.
;;
;; The caller (core/kernels/wasm/rows.ts) copies x (and g) in and the output
;; out; the memory is imported as gemm.wat's is, and assembled twice the same way.
(module
  (import "env" "memory" (memory 1 16384 @SHARED@))

  ;; Per row i (rows i..i+3 at once, a lane each, each summed along its row in order): with
  ;; xc = x - mean[i] and dy = g * w[k], sdy[i] = sum dy, sdyx[i] = sum dy * (xc * rstd[i]),
  ;; residue[i] = sum xc; the first r4 rows. w is per column (float64).
  (func (export "rowSums") (param $g i32) (param $x i32) (param $r4 i32) (param $d i32)
                             (param $mean i32) (param $rstd i32) (param $w i32)
                             (param $sdy i32) (param $sdyx i32) (param $residue i32)
    (local $i i32) (local $k i32) (local $rowB i32) (local $px i32) (local $pg i32) (local $wp i32)
    (local $xc v128) (local $dy v128) (local $wk v128) (local $m01 v128) (local $m23 v128) (local $r01 v128) (local $r23 v128)
    (local $d01 v128) (local $x01 v128) (local $e01 v128) (local $d23 v128) (local $x23 v128) (local $e23 v128)
    (local.set $rowB (i32.mul (local.get $d) (i32.const 8)))
    (block $groupsDone (loop $groups
      (br_if $groupsDone (i32.ge_u (local.get $i) (local.get $r4)))
      (local.set $m01 (v128.load align=8 (i32.add (local.get $mean) (i32.shl (i32.add (local.get $i) (i32.const 0)) (i32.const 3)))))
      (local.set $m23 (v128.load align=8 (i32.add (local.get $mean) (i32.shl (i32.add (local.get $i) (i32.const 2)) (i32.const 3)))))
      (local.set $r01 (v128.load align=8 (i32.add (local.get $rstd) (i32.shl (i32.add (local.get $i) (i32.const 0)) (i32.const 3)))))
      (local.set $r23 (v128.load align=8 (i32.add (local.get $rstd) (i32.shl (i32.add (local.get $i) (i32.const 2)) (i32.const 3)))))
      (local.set $d01 (v128.const i64x2 0 0)) (local.set $x01 (v128.const i64x2 0 0)) (local.set $e01 (v128.const i64x2 0 0))
      (local.set $d23 (v128.const i64x2 0 0)) (local.set $x23 (v128.const i64x2 0 0)) (local.set $e23 (v128.const i64x2 0 0))
      (local.set $px (i32.add (local.get $x) (i32.mul (local.get $i) (local.get $rowB))))
      (local.set $pg (i32.add (local.get $g) (i32.mul (local.get $i) (local.get $rowB))))
      (local.set $wp (local.get $w))
      (local.set $k (i32.const 0))
      (block $rowDone (loop $along
        (br_if $rowDone (i32.ge_u (local.get $k) (local.get $rowB)))
        (local.set $wk (v128.load64_splat (local.get $wp)))
        (local.set $xc (f64x2.sub (v128.load64_lane 1 (i32.add (i32.add (local.get $px) (local.get $k)) (local.get $rowB)) (v128.load64_zero (i32.add (local.get $px) (local.get $k)))) (local.get $m01)))
        (local.set $dy (f64x2.mul (v128.load64_lane 1 (i32.add (i32.add (local.get $pg) (local.get $k)) (local.get $rowB)) (v128.load64_zero (i32.add (local.get $pg) (local.get $k)))) (local.get $wk)))
        (local.set $d01 (f64x2.add (local.get $d01) (local.get $dy)))
        (local.set $x01 (f64x2.add (local.get $x01) (f64x2.mul (local.get $dy) (f64x2.mul (local.get $xc) (local.get $r01)))))
        (local.set $e01 (f64x2.add (local.get $e01) (local.get $xc)))
        (local.set $xc (f64x2.sub (v128.load64_lane 1 (i32.add (i32.add (local.get $px) (local.get $k)) (i32.mul (local.get $rowB) (i32.const 3))) (v128.load64_zero (i32.add (i32.add (local.get $px) (local.get $k)) (i32.shl (local.get $rowB) (i32.const 1))))) (local.get $m23)))
        (local.set $dy (f64x2.mul (v128.load64_lane 1 (i32.add (i32.add (local.get $pg) (local.get $k)) (i32.mul (local.get $rowB) (i32.const 3))) (v128.load64_zero (i32.add (i32.add (local.get $pg) (local.get $k)) (i32.shl (local.get $rowB) (i32.const 1))))) (local.get $wk)))
        (local.set $d23 (f64x2.add (local.get $d23) (local.get $dy)))
        (local.set $x23 (f64x2.add (local.get $x23) (f64x2.mul (local.get $dy) (f64x2.mul (local.get $xc) (local.get $r23)))))
        (local.set $e23 (f64x2.add (local.get $e23) (local.get $xc)))
        (local.set $wp (i32.add (local.get $wp) (i32.const 8)))
        (local.set $k (i32.add (local.get $k) (i32.const 8)))
        (br $along)))
      (v128.store align=8 (i32.add (local.get $sdy) (i32.shl (i32.add (local.get $i) (i32.const 0)) (i32.const 3))) (local.get $d01))
      (v128.store align=8 (i32.add (local.get $sdy) (i32.shl (i32.add (local.get $i) (i32.const 2)) (i32.const 3))) (local.get $d23))
      (v128.store align=8 (i32.add (local.get $sdyx) (i32.shl (i32.add (local.get $i) (i32.const 0)) (i32.const 3))) (local.get $x01))
      (v128.store align=8 (i32.add (local.get $sdyx) (i32.shl (i32.add (local.get $i) (i32.const 2)) (i32.const 3))) (local.get $x23))
      (v128.store align=8 (i32.add (local.get $residue) (i32.shl (i32.add (local.get $i) (i32.const 0)) (i32.const 3))) (local.get $e01))
      (v128.store align=8 (i32.add (local.get $residue) (i32.shl (i32.add (local.get $i) (i32.const 2)) (i32.const 3))) (local.get $e23))
      (local.set $i (i32.add (local.get $i) (i32.const 4)))
      (br $groups)))
  )

  ;; out = (x - mean[i]) * rstd[i] * w[k] + b[k], every row.
  (func (export "rowAffine") (param $x i32) (param $out i32) (param $r i32) (param $d i32)
                               (param $mA i32) (param $rsA i32) (param $wA i32) (param $bA i32)
    (local $i i32) (local $o i32) (local $c i32) (local $end i32) (local $vend i32) (local $rowB i32) (local $m v128) (local $sm f64) (local $rs v128) (local $srs f64) 
    (local.set $rowB (i32.mul (local.get $d) (i32.const 8)))
    (block $rowsDone (loop $rows
      (br_if $rowsDone (i32.ge_u (local.get $i) (local.get $r)))
      (local.set $sm (f64.load (i32.add (local.get $mA) (i32.shl (i32.add (local.get $i) (i32.const 0)) (i32.const 3)))))
      (local.set $m (f64x2.splat (local.get $sm)))
      (local.set $srs (f64.load (i32.add (local.get $rsA) (i32.shl (i32.add (local.get $i) (i32.const 0)) (i32.const 3)))))
      (local.set $rs (f64x2.splat (local.get $srs)))
      (local.set $o (i32.mul (local.get $i) (local.get $rowB)))
      (local.set $end (i32.add (local.get $o) (local.get $rowB)))
      (local.set $vend (i32.add (local.get $o) (i32.and (local.get $rowB) (i32.const -16))))
      (local.set $c (i32.const 0))
      (block $vDone (loop $v
        (br_if $vDone (i32.ge_u (local.get $o) (local.get $vend)))
        (v128.store align=8 (i32.add (local.get $out) (local.get $o)) (f64x2.add (f64x2.mul (f64x2.mul (f64x2.sub (v128.load align=8 (i32.add (local.get $x) (local.get $o))) (local.get $m)) (local.get $rs)) (v128.load align=8 (i32.add (local.get $wA) (local.get $c)))) (v128.load align=8 (i32.add (local.get $bA) (local.get $c)))))
        (local.set $o (i32.add (local.get $o) (i32.const 16)))
        (local.set $c (i32.add (local.get $c) (i32.const 16)))
        (br $v)))
      (if (i32.lt_u (local.get $o) (local.get $end)) (then
        (f64.store (i32.add (local.get $out) (local.get $o)) (f64.add (f64.mul (f64.mul (f64.sub (f64.load (i32.add (local.get $x) (local.get $o))) (local.get $sm)) (local.get $srs)) (f64.load (i32.add (local.get $wA) (local.get $c)))) (f64.load (i32.add (local.get $bA) (local.get $c)))))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $rows)))
  )

  ;; dbias[k] = sum over rows of g, dweight[k] = sum of g * ((x - mean[i]) * rstd[i]), rows in order.
  (func (export "rowColSums") (param $g i32) (param $x i32) (param $r i32) (param $d i32)
                                (param $mA i32) (param $rsA i32) (param $dbA i32) (param $dwA i32)
    (local $i i32) (local $o i32) (local $c i32) (local $end i32) (local $vend i32) (local $rowB i32) (local $m v128) (local $sm f64) (local $rs v128) (local $srs f64) (local $h v128) (local $sh f64)
    (local.set $rowB (i32.mul (local.get $d) (i32.const 8)))
    (block $zDone (loop $z
      (br_if $zDone (i32.ge_u (local.get $c) (i32.shl (local.get $d) (i32.const 3))))
      (f64.store (i32.add (local.get $dbA) (local.get $c)) (f64.const 0))
      (f64.store (i32.add (local.get $dwA) (local.get $c)) (f64.const 0))
      (local.set $c (i32.add (local.get $c) (i32.const 8)))
      (br $z)))
    (block $rowsDone (loop $rows
      (br_if $rowsDone (i32.ge_u (local.get $i) (local.get $r)))
      (local.set $sm (f64.load (i32.add (local.get $mA) (i32.shl (i32.add (local.get $i) (i32.const 0)) (i32.const 3)))))
      (local.set $m (f64x2.splat (local.get $sm)))
      (local.set $srs (f64.load (i32.add (local.get $rsA) (i32.shl (i32.add (local.get $i) (i32.const 0)) (i32.const 3)))))
      (local.set $rs (f64x2.splat (local.get $srs)))
      (local.set $o (i32.mul (local.get $i) (local.get $rowB)))
      (local.set $end (i32.add (local.get $o) (local.get $rowB)))
      (local.set $vend (i32.add (local.get $o) (i32.and (local.get $rowB) (i32.const -16))))
      (local.set $c (i32.const 0))
      (block $vDone (loop $v
        (br_if $vDone (i32.ge_u (local.get $o) (local.get $vend)))
        (local.set $h (v128.load align=8 (i32.add (local.get $g) (local.get $o))))
        (v128.store align=8 (i32.add (local.get $dbA) (local.get $c)) (f64x2.add (v128.load align=8 (i32.add (local.get $dbA) (local.get $c))) (local.get $h)))
        (v128.store align=8 (i32.add (local.get $dwA) (local.get $c)) (f64x2.add (v128.load align=8 (i32.add (local.get $dwA) (local.get $c))) (f64x2.mul (local.get $h) (f64x2.mul (f64x2.sub (v128.load align=8 (i32.add (local.get $x) (local.get $o))) (local.get $m)) (local.get $rs)))))
        (local.set $o (i32.add (local.get $o) (i32.const 16)))
        (local.set $c (i32.add (local.get $c) (i32.const 16)))
        (br $v)))
      (if (i32.lt_u (local.get $o) (local.get $end)) (then
        (local.set $sh (f64.load (i32.add (local.get $g) (local.get $o))))
        (f64.store (i32.add (local.get $dbA) (local.get $c)) (f64.add (f64.load (i32.add (local.get $dbA) (local.get $c))) (local.get $sh)))
        (f64.store (i32.add (local.get $dwA) (local.get $c)) (f64.add (f64.load (i32.add (local.get $dwA) (local.get $c))) (f64.mul (local.get $sh) (f64.mul (f64.sub (f64.load (i32.add (local.get $x) (local.get $o))) (local.get $sm)) (local.get $srs)))))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $rows)))
  )

  ;; dx = rstd[i] * (g * w[k] - a[i] - ((x - mean[i] - rr[i]) * rstd[i]) * bb[i]), every row.
  (func (export "rowGrad") (param $g i32) (param $x i32) (param $dx i32) (param $r i32) (param $d i32)
                             (param $mA i32) (param $rsA i32) (param $wA i32) (param $aA i32) (param $bbA i32) (param $rrA i32)
    (local $i i32) (local $o i32) (local $c i32) (local $end i32) (local $vend i32) (local $rowB i32) (local $m v128) (local $sm f64) (local $rs v128) (local $srs f64) (local $a v128) (local $sa f64) (local $bb v128) (local $sbb f64) (local $rr v128) (local $srr f64) 
    (local.set $rowB (i32.mul (local.get $d) (i32.const 8)))
    (block $rowsDone (loop $rows
      (br_if $rowsDone (i32.ge_u (local.get $i) (local.get $r)))
      (local.set $sm (f64.load (i32.add (local.get $mA) (i32.shl (i32.add (local.get $i) (i32.const 0)) (i32.const 3)))))
      (local.set $m (f64x2.splat (local.get $sm)))
      (local.set $srs (f64.load (i32.add (local.get $rsA) (i32.shl (i32.add (local.get $i) (i32.const 0)) (i32.const 3)))))
      (local.set $rs (f64x2.splat (local.get $srs)))
      (local.set $sa (f64.load (i32.add (local.get $aA) (i32.shl (i32.add (local.get $i) (i32.const 0)) (i32.const 3)))))
      (local.set $a (f64x2.splat (local.get $sa)))
      (local.set $sbb (f64.load (i32.add (local.get $bbA) (i32.shl (i32.add (local.get $i) (i32.const 0)) (i32.const 3)))))
      (local.set $bb (f64x2.splat (local.get $sbb)))
      (local.set $srr (f64.load (i32.add (local.get $rrA) (i32.shl (i32.add (local.get $i) (i32.const 0)) (i32.const 3)))))
      (local.set $rr (f64x2.splat (local.get $srr)))
      (local.set $o (i32.mul (local.get $i) (local.get $rowB)))
      (local.set $end (i32.add (local.get $o) (local.get $rowB)))
      (local.set $vend (i32.add (local.get $o) (i32.and (local.get $rowB) (i32.const -16))))
      (local.set $c (i32.const 0))
      (block $vDone (loop $v
        (br_if $vDone (i32.ge_u (local.get $o) (local.get $vend)))
        (v128.store align=8 (i32.add (local.get $dx) (local.get $o)) (f64x2.mul (local.get $rs) (f64x2.sub (f64x2.sub (f64x2.mul (v128.load align=8 (i32.add (local.get $g) (local.get $o))) (v128.load align=8 (i32.add (local.get $wA) (local.get $c)))) (local.get $a)) (f64x2.mul (f64x2.mul (f64x2.sub (f64x2.sub (v128.load align=8 (i32.add (local.get $x) (local.get $o))) (local.get $m)) (local.get $rr)) (local.get $rs)) (local.get $bb)))))
        (local.set $o (i32.add (local.get $o) (i32.const 16)))
        (local.set $c (i32.add (local.get $c) (i32.const 16)))
        (br $v)))
      (if (i32.lt_u (local.get $o) (local.get $end)) (then
        (f64.store (i32.add (local.get $dx) (local.get $o)) (f64.mul (local.get $srs) (f64.sub (f64.sub (f64.mul (f64.load (i32.add (local.get $g) (local.get $o))) (f64.load (i32.add (local.get $wA) (local.get $c)))) (local.get $sa)) (f64.mul (f64.mul (f64.sub (f64.sub (f64.load (i32.add (local.get $x) (local.get $o))) (local.get $sm)) (local.get $srr)) (local.get $srs)) (local.get $sbb)))))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $rows)))
  )

  ;; Per row i (rows i..i+3 at once, a lane each, each summed along its row in order): with
  ;; xc = x - mean[i] and dy = g * w[k], sdy[i] = sum dy, sdyx[i] = sum dy * (xc * rstd[i]),
  ;; residue[i] = sum xc; the first r4 rows. w is per column (float64).
  (func (export "rowSums32") (param $g i32) (param $x i32) (param $r4 i32) (param $d i32)
                             (param $mean i32) (param $rstd i32) (param $w i32)
                             (param $sdy i32) (param $sdyx i32) (param $residue i32)
    (local $i i32) (local $k i32) (local $rowB i32) (local $px i32) (local $pg i32) (local $wp i32)
    (local $xc v128) (local $dy v128) (local $wk v128) (local $m01 v128) (local $m23 v128) (local $r01 v128) (local $r23 v128)
    (local $d01 v128) (local $x01 v128) (local $e01 v128) (local $d23 v128) (local $x23 v128) (local $e23 v128)
    (local.set $rowB (i32.mul (local.get $d) (i32.const 4)))
    (block $groupsDone (loop $groups
      (br_if $groupsDone (i32.ge_u (local.get $i) (local.get $r4)))
      (local.set $m01 (v128.load align=8 (i32.add (local.get $mean) (i32.shl (i32.add (local.get $i) (i32.const 0)) (i32.const 3)))))
      (local.set $m23 (v128.load align=8 (i32.add (local.get $mean) (i32.shl (i32.add (local.get $i) (i32.const 2)) (i32.const 3)))))
      (local.set $r01 (v128.load align=8 (i32.add (local.get $rstd) (i32.shl (i32.add (local.get $i) (i32.const 0)) (i32.const 3)))))
      (local.set $r23 (v128.load align=8 (i32.add (local.get $rstd) (i32.shl (i32.add (local.get $i) (i32.const 2)) (i32.const 3)))))
      (local.set $d01 (v128.const i64x2 0 0)) (local.set $x01 (v128.const i64x2 0 0)) (local.set $e01 (v128.const i64x2 0 0))
      (local.set $d23 (v128.const i64x2 0 0)) (local.set $x23 (v128.const i64x2 0 0)) (local.set $e23 (v128.const i64x2 0 0))
      (local.set $px (i32.add (local.get $x) (i32.mul (local.get $i) (local.get $rowB))))
      (local.set $pg (i32.add (local.get $g) (i32.mul (local.get $i) (local.get $rowB))))
      (local.set $wp (local.get $w))
      (local.set $k (i32.const 0))
      (block $rowDone (loop $along
        (br_if $rowDone (i32.ge_u (local.get $k) (local.get $rowB)))
        (local.set $wk (v128.load64_splat (local.get $wp)))
        (local.set $xc (f64x2.sub (f64x2.promote_low_f32x4 (v128.load32_lane 1 (i32.add (i32.add (local.get $px) (local.get $k)) (local.get $rowB)) (v128.load32_zero (i32.add (local.get $px) (local.get $k))))) (local.get $m01)))
        (local.set $dy (f64x2.mul (f64x2.promote_low_f32x4 (v128.load32_lane 1 (i32.add (i32.add (local.get $pg) (local.get $k)) (local.get $rowB)) (v128.load32_zero (i32.add (local.get $pg) (local.get $k))))) (local.get $wk)))
        (local.set $d01 (f64x2.add (local.get $d01) (local.get $dy)))
        (local.set $x01 (f64x2.add (local.get $x01) (f64x2.mul (local.get $dy) (f64x2.mul (local.get $xc) (local.get $r01)))))
        (local.set $e01 (f64x2.add (local.get $e01) (local.get $xc)))
        (local.set $xc (f64x2.sub (f64x2.promote_low_f32x4 (v128.load32_lane 1 (i32.add (i32.add (local.get $px) (local.get $k)) (i32.mul (local.get $rowB) (i32.const 3))) (v128.load32_zero (i32.add (i32.add (local.get $px) (local.get $k)) (i32.shl (local.get $rowB) (i32.const 1)))))) (local.get $m23)))
        (local.set $dy (f64x2.mul (f64x2.promote_low_f32x4 (v128.load32_lane 1 (i32.add (i32.add (local.get $pg) (local.get $k)) (i32.mul (local.get $rowB) (i32.const 3))) (v128.load32_zero (i32.add (i32.add (local.get $pg) (local.get $k)) (i32.shl (local.get $rowB) (i32.const 1)))))) (local.get $wk)))
        (local.set $d23 (f64x2.add (local.get $d23) (local.get $dy)))
        (local.set $x23 (f64x2.add (local.get $x23) (f64x2.mul (local.get $dy) (f64x2.mul (local.get $xc) (local.get $r23)))))
        (local.set $e23 (f64x2.add (local.get $e23) (local.get $xc)))
        (local.set $wp (i32.add (local.get $wp) (i32.const 8)))
        (local.set $k (i32.add (local.get $k) (i32.const 4)))
        (br $along)))
      (v128.store align=8 (i32.add (local.get $sdy) (i32.shl (i32.add (local.get $i) (i32.const 0)) (i32.const 3))) (local.get $d01))
      (v128.store align=8 (i32.add (local.get $sdy) (i32.shl (i32.add (local.get $i) (i32.const 2)) (i32.const 3))) (local.get $d23))
      (v128.store align=8 (i32.add (local.get $sdyx) (i32.shl (i32.add (local.get $i) (i32.const 0)) (i32.const 3))) (local.get $x01))
      (v128.store align=8 (i32.add (local.get $sdyx) (i32.shl (i32.add (local.get $i) (i32.const 2)) (i32.const 3))) (local.get $x23))
      (v128.store align=8 (i32.add (local.get $residue) (i32.shl (i32.add (local.get $i) (i32.const 0)) (i32.const 3))) (local.get $e01))
      (v128.store align=8 (i32.add (local.get $residue) (i32.shl (i32.add (local.get $i) (i32.const 2)) (i32.const 3))) (local.get $e23))
      (local.set $i (i32.add (local.get $i) (i32.const 4)))
      (br $groups)))
  )

  ;; out = (x - mean[i]) * rstd[i] * w[k] + b[k], every row.
  (func (export "rowAffine32") (param $x i32) (param $out i32) (param $r i32) (param $d i32)
                               (param $mA i32) (param $rsA i32) (param $wA i32) (param $bA i32)
    (local $i i32) (local $o i32) (local $c i32) (local $end i32) (local $vend i32) (local $rowB i32) (local $m v128) (local $sm f64) (local $rs v128) (local $srs f64) 
    (local.set $rowB (i32.mul (local.get $d) (i32.const 4)))
    (block $rowsDone (loop $rows
      (br_if $rowsDone (i32.ge_u (local.get $i) (local.get $r)))
      (local.set $sm (f64.load (i32.add (local.get $mA) (i32.shl (i32.add (local.get $i) (i32.const 0)) (i32.const 3)))))
      (local.set $m (f64x2.splat (local.get $sm)))
      (local.set $srs (f64.load (i32.add (local.get $rsA) (i32.shl (i32.add (local.get $i) (i32.const 0)) (i32.const 3)))))
      (local.set $rs (f64x2.splat (local.get $srs)))
      (local.set $o (i32.mul (local.get $i) (local.get $rowB)))
      (local.set $end (i32.add (local.get $o) (local.get $rowB)))
      (local.set $vend (i32.add (local.get $o) (i32.and (local.get $rowB) (i32.const -8))))
      (local.set $c (i32.const 0))
      (block $vDone (loop $v
        (br_if $vDone (i32.ge_u (local.get $o) (local.get $vend)))
        (v128.store64_lane align=4 0 (i32.add (local.get $out) (local.get $o)) (f32x4.demote_f64x2_zero (f64x2.add (f64x2.mul (f64x2.mul (f64x2.sub (f64x2.promote_low_f32x4 (v128.load64_zero align=4 (i32.add (local.get $x) (local.get $o)))) (local.get $m)) (local.get $rs)) (v128.load align=8 (i32.add (local.get $wA) (local.get $c)))) (v128.load align=8 (i32.add (local.get $bA) (local.get $c))))))
        (local.set $o (i32.add (local.get $o) (i32.const 8)))
        (local.set $c (i32.add (local.get $c) (i32.const 16)))
        (br $v)))
      (if (i32.lt_u (local.get $o) (local.get $end)) (then
        (f32.store (i32.add (local.get $out) (local.get $o)) (f32.demote_f64 (f64.add (f64.mul (f64.mul (f64.sub (f64.promote_f32 (f32.load (i32.add (local.get $x) (local.get $o)))) (local.get $sm)) (local.get $srs)) (f64.load (i32.add (local.get $wA) (local.get $c)))) (f64.load (i32.add (local.get $bA) (local.get $c))))))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $rows)))
  )

  ;; dbias[k] = sum over rows of g, dweight[k] = sum of g * ((x - mean[i]) * rstd[i]), rows in order.
  (func (export "rowColSums32") (param $g i32) (param $x i32) (param $r i32) (param $d i32)
                                (param $mA i32) (param $rsA i32) (param $dbA i32) (param $dwA i32)
    (local $i i32) (local $o i32) (local $c i32) (local $end i32) (local $vend i32) (local $rowB i32) (local $m v128) (local $sm f64) (local $rs v128) (local $srs f64) (local $h v128) (local $sh f64)
    (local.set $rowB (i32.mul (local.get $d) (i32.const 4)))
    (block $zDone (loop $z
      (br_if $zDone (i32.ge_u (local.get $c) (i32.shl (local.get $d) (i32.const 3))))
      (f64.store (i32.add (local.get $dbA) (local.get $c)) (f64.const 0))
      (f64.store (i32.add (local.get $dwA) (local.get $c)) (f64.const 0))
      (local.set $c (i32.add (local.get $c) (i32.const 8)))
      (br $z)))
    (block $rowsDone (loop $rows
      (br_if $rowsDone (i32.ge_u (local.get $i) (local.get $r)))
      (local.set $sm (f64.load (i32.add (local.get $mA) (i32.shl (i32.add (local.get $i) (i32.const 0)) (i32.const 3)))))
      (local.set $m (f64x2.splat (local.get $sm)))
      (local.set $srs (f64.load (i32.add (local.get $rsA) (i32.shl (i32.add (local.get $i) (i32.const 0)) (i32.const 3)))))
      (local.set $rs (f64x2.splat (local.get $srs)))
      (local.set $o (i32.mul (local.get $i) (local.get $rowB)))
      (local.set $end (i32.add (local.get $o) (local.get $rowB)))
      (local.set $vend (i32.add (local.get $o) (i32.and (local.get $rowB) (i32.const -8))))
      (local.set $c (i32.const 0))
      (block $vDone (loop $v
        (br_if $vDone (i32.ge_u (local.get $o) (local.get $vend)))
        (local.set $h (f64x2.promote_low_f32x4 (v128.load64_zero align=4 (i32.add (local.get $g) (local.get $o)))))
        (v128.store align=8 (i32.add (local.get $dbA) (local.get $c)) (f64x2.add (v128.load align=8 (i32.add (local.get $dbA) (local.get $c))) (local.get $h)))
        (v128.store align=8 (i32.add (local.get $dwA) (local.get $c)) (f64x2.add (v128.load align=8 (i32.add (local.get $dwA) (local.get $c))) (f64x2.mul (local.get $h) (f64x2.mul (f64x2.sub (f64x2.promote_low_f32x4 (v128.load64_zero align=4 (i32.add (local.get $x) (local.get $o)))) (local.get $m)) (local.get $rs)))))
        (local.set $o (i32.add (local.get $o) (i32.const 8)))
        (local.set $c (i32.add (local.get $c) (i32.const 16)))
        (br $v)))
      (if (i32.lt_u (local.get $o) (local.get $end)) (then
        (local.set $sh (f64.promote_f32 (f32.load (i32.add (local.get $g) (local.get $o)))))
        (f64.store (i32.add (local.get $dbA) (local.get $c)) (f64.add (f64.load (i32.add (local.get $dbA) (local.get $c))) (local.get $sh)))
        (f64.store (i32.add (local.get $dwA) (local.get $c)) (f64.add (f64.load (i32.add (local.get $dwA) (local.get $c))) (f64.mul (local.get $sh) (f64.mul (f64.sub (f64.promote_f32 (f32.load (i32.add (local.get $x) (local.get $o)))) (local.get $sm)) (local.get $srs)))))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $rows)))
  )

  ;; dx = rstd[i] * (g * w[k] - a[i] - ((x - mean[i] - rr[i]) * rstd[i]) * bb[i]), every row.
  (func (export "rowGrad32") (param $g i32) (param $x i32) (param $dx i32) (param $r i32) (param $d i32)
                             (param $mA i32) (param $rsA i32) (param $wA i32) (param $aA i32) (param $bbA i32) (param $rrA i32)
    (local $i i32) (local $o i32) (local $c i32) (local $end i32) (local $vend i32) (local $rowB i32) (local $m v128) (local $sm f64) (local $rs v128) (local $srs f64) (local $a v128) (local $sa f64) (local $bb v128) (local $sbb f64) (local $rr v128) (local $srr f64) 
    (local.set $rowB (i32.mul (local.get $d) (i32.const 4)))
    (block $rowsDone (loop $rows
      (br_if $rowsDone (i32.ge_u (local.get $i) (local.get $r)))
      (local.set $sm (f64.load (i32.add (local.get $mA) (i32.shl (i32.add (local.get $i) (i32.const 0)) (i32.const 3)))))
      (local.set $m (f64x2.splat (local.get $sm)))
      (local.set $srs (f64.load (i32.add (local.get $rsA) (i32.shl (i32.add (local.get $i) (i32.const 0)) (i32.const 3)))))
      (local.set $rs (f64x2.splat (local.get $srs)))
      (local.set $sa (f64.load (i32.add (local.get $aA) (i32.shl (i32.add (local.get $i) (i32.const 0)) (i32.const 3)))))
      (local.set $a (f64x2.splat (local.get $sa)))
      (local.set $sbb (f64.load (i32.add (local.get $bbA) (i32.shl (i32.add (local.get $i) (i32.const 0)) (i32.const 3)))))
      (local.set $bb (f64x2.splat (local.get $sbb)))
      (local.set $srr (f64.load (i32.add (local.get $rrA) (i32.shl (i32.add (local.get $i) (i32.const 0)) (i32.const 3)))))
      (local.set $rr (f64x2.splat (local.get $srr)))
      (local.set $o (i32.mul (local.get $i) (local.get $rowB)))
      (local.set $end (i32.add (local.get $o) (local.get $rowB)))
      (local.set $vend (i32.add (local.get $o) (i32.and (local.get $rowB) (i32.const -8))))
      (local.set $c (i32.const 0))
      (block $vDone (loop $v
        (br_if $vDone (i32.ge_u (local.get $o) (local.get $vend)))
        (v128.store64_lane align=4 0 (i32.add (local.get $dx) (local.get $o)) (f32x4.demote_f64x2_zero (f64x2.mul (local.get $rs) (f64x2.sub (f64x2.sub (f64x2.mul (f64x2.promote_low_f32x4 (v128.load64_zero align=4 (i32.add (local.get $g) (local.get $o)))) (v128.load align=8 (i32.add (local.get $wA) (local.get $c)))) (local.get $a)) (f64x2.mul (f64x2.mul (f64x2.sub (f64x2.sub (f64x2.promote_low_f32x4 (v128.load64_zero align=4 (i32.add (local.get $x) (local.get $o)))) (local.get $m)) (local.get $rr)) (local.get $rs)) (local.get $bb))))))
        (local.set $o (i32.add (local.get $o) (i32.const 8)))
        (local.set $c (i32.add (local.get $c) (i32.const 16)))
        (br $v)))
      (if (i32.lt_u (local.get $o) (local.get $end)) (then
        (f32.store (i32.add (local.get $dx) (local.get $o)) (f32.demote_f64 (f64.mul (local.get $srs) (f64.sub (f64.sub (f64.mul (f64.promote_f32 (f32.load (i32.add (local.get $g) (local.get $o)))) (f64.load (i32.add (local.get $wA) (local.get $c)))) (local.get $sa)) (f64.mul (f64.mul (f64.sub (f64.sub (f64.promote_f32 (f32.load (i32.add (local.get $x) (local.get $o)))) (local.get $sm)) (local.get $srr)) (local.get $srs)) (local.get $sbb))))))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $rows)))
  )
)
