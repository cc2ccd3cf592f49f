;; BatchNorm over [N, C, S] (S > 1: images, sequences) in 128-bit WebAssembly
;; SIMD: the per-channel loops of core/kernels/batchnorm.ts and
;; batchnorm-backward.ts for S > 1, with the same operations in the same order
;; on every value, so the two backends give the same bits
;; (tests/core/kernels-wasm-streams.test.ts). Float64 data (chStats ...) and
;; float32 data (chStats32 ...), read as float64 and each result rounded once
;; to float32, as V8 does in the JS loops. ([N, C] is norm.wat's.)
;;
;; Channel j is n runs of s values, run i at x + (i*c + j)*s values. The JS
;; loops sum a channel in one running sum, run after run, so every add waits
;; for the one before (about 1.3 ns a value). Here the sums (statistics and
;; the gradient's three) take channels j..j+3 at once, a lane each in two
;; vectors, loading lane by lane from the four runs: each lane still adds its
;; channel's values in the JS order, and four chains run side by side. The
;; passes that only map values (the output and dx) go along each run two
;; values a step with the channel's constants splatted, then one value for an
;; odd s. Only the first c4 channels (a multiple of 4) are done here; the
;; caller does the rest. Per-channel arrays are float64 arrays of c values.
;;
;; The caller (core/kernels/wasm/norm.ts) copies x (and g) in and the output
;; out; the memory is imported as gemm.wat's is, and assembled twice the same way.
(module
  (import "env" "memory" (memory 1 16384 @SHARED@))

  ;; mean[j] = (sum x) / (n s), var[j] = (sum (x - mean[j])^2) / (n s) over channel j's n runs,
  ;; two passes (mean first); channels j, j+1 in one vector's lanes, j+2, j+3 in another's.
  (func (export "chStats") (param $x i32) (param $n i32) (param $c i32) (param $s i32) (param $c4 i32)
                             (param $mean i32) (param $var i32)
    (local $j i32) (local $b0 i32) (local $b1 i32) (local $k i32) (local $run i32) (local $rowStep i32) (local $nv v128) (local $a v128) (local $q v128) (local $d v128) (local $m01 v128) (local $m23 v128)
    (local.set $run (i32.mul (local.get $s) (i32.const 8)))
    (local.set $rowStep (i32.mul (local.get $c) (local.get $run)))
    (local.set $nv (f64x2.splat (f64.convert_i32_u (i32.mul (local.get $n) (local.get $s)))))
    (local.set $j (i32.const 0))
    (block $groupsDone (loop $groups
      (br_if $groupsDone (i32.ge_u (local.get $j) (local.get $c4)))
      (local.set $a (v128.const i64x2 0 0)) (local.set $q (v128.const i64x2 0 0))
      (local.set $b0 (i32.add (local.get $x) (i32.mul (local.get $j) (local.get $run))))
      (local.set $b1 (i32.add (local.get $b0) (i32.mul (local.get $n) (local.get $rowStep))))
      (block $samplesDone (loop $samples
        (br_if $samplesDone (i32.ge_u (local.get $b0) (local.get $b1)))
        (local.set $k (i32.const 0))
        (block $runDone (loop $inRun
          (br_if $runDone (i32.ge_u (local.get $k) (local.get $run)))
          (local.set $a (f64x2.add (local.get $a) (v128.load64_lane 1 (i32.add (i32.add (local.get $b0) (local.get $k)) (local.get $run)) (v128.load64_zero (i32.add (local.get $b0) (local.get $k))))))
          (local.set $q (f64x2.add (local.get $q) (v128.load64_lane 1 (i32.add (i32.add (local.get $b0) (local.get $k)) (i32.mul (local.get $run) (i32.const 3))) (v128.load64_zero (i32.add (i32.add (local.get $b0) (local.get $k)) (i32.shl (local.get $run) (i32.const 1)))))))
          (local.set $k (i32.add (local.get $k) (i32.const 8)))
          (br $inRun)))
        (local.set $b0 (i32.add (local.get $b0) (local.get $rowStep)))
        (br $samples)))
      (local.set $m01 (f64x2.div (local.get $a) (local.get $nv)))
      (local.set $m23 (f64x2.div (local.get $q) (local.get $nv)))
      (local.set $a (v128.const i64x2 0 0)) (local.set $q (v128.const i64x2 0 0))
      (local.set $b0 (i32.add (local.get $x) (i32.mul (local.get $j) (local.get $run))))
      (local.set $b1 (i32.add (local.get $b0) (i32.mul (local.get $n) (local.get $rowStep))))
      (block $samplesDone (loop $samples
        (br_if $samplesDone (i32.ge_u (local.get $b0) (local.get $b1)))
        (local.set $k (i32.const 0))
        (block $runDone (loop $inRun
          (br_if $runDone (i32.ge_u (local.get $k) (local.get $run)))
          (local.set $d (f64x2.sub (v128.load64_lane 1 (i32.add (i32.add (local.get $b0) (local.get $k)) (local.get $run)) (v128.load64_zero (i32.add (local.get $b0) (local.get $k)))) (local.get $m01)))
          (local.set $a (f64x2.add (local.get $a) (f64x2.mul (local.get $d) (local.get $d))))
          (local.set $d (f64x2.sub (v128.load64_lane 1 (i32.add (i32.add (local.get $b0) (local.get $k)) (i32.mul (local.get $run) (i32.const 3))) (v128.load64_zero (i32.add (i32.add (local.get $b0) (local.get $k)) (i32.shl (local.get $run) (i32.const 1))))) (local.get $m23)))
          (local.set $q (f64x2.add (local.get $q) (f64x2.mul (local.get $d) (local.get $d))))
          (local.set $k (i32.add (local.get $k) (i32.const 8)))
          (br $inRun)))
        (local.set $b0 (i32.add (local.get $b0) (local.get $rowStep)))
        (br $samples)))
      (v128.store align=8 (i32.add (local.get $mean) (i32.shl (i32.add (local.get $j) (i32.const 0)) (i32.const 3))) (local.get $m01))
      (v128.store align=8 (i32.add (local.get $mean) (i32.shl (i32.add (local.get $j) (i32.const 2)) (i32.const 3))) (local.get $m23))
      (v128.store align=8 (i32.add (local.get $var) (i32.shl (i32.add (local.get $j) (i32.const 0)) (i32.const 3))) (f64x2.div (local.get $a) (local.get $nv)))
      (v128.store align=8 (i32.add (local.get $var) (i32.shl (i32.add (local.get $j) (i32.const 2)) (i32.const 3))) (f64x2.div (local.get $q) (local.get $nv)))
      (local.set $j (i32.add (local.get $j) (i32.const 4)))
      (br $groups)))
  )

  ;; out = (x - mean[j]) * scale[j] + shift[j] over channel j's runs.
  (func (export "chAffine") (param $x i32) (param $out i32) (param $n i32) (param $c i32) (param $s i32) (param $c4 i32)
                               (param $mA i32) (param $scA i32) (param $bA i32)
    (local $j i32) (local $p i32) (local $o i32) (local $end i32) (local $vend i32) (local $run i32) (local $m v128) (local $sm f64) (local $sc v128) (local $ssc f64) (local $b v128) (local $sb f64)
    (local.set $run (i32.mul (local.get $s) (i32.const 8)))
    (local.set $o (i32.const 0))
    (local.set $p (i32.const 0))
    (block $samplesDone (loop $samples
      (br_if $samplesDone (i32.ge_u (local.get $p) (i32.mul (local.get $n) (i32.mul (local.get $c) (local.get $run)))))
      (local.set $j (i32.const 0))
      (block $channelsDone (loop $channels
        (br_if $channelsDone (i32.ge_u (local.get $j) (local.get $c4)))
        (local.set $sm (f64.load (i32.add (local.get $mA) (i32.shl (local.get $j) (i32.const 3)))))
        (local.set $m (f64x2.splat (local.get $sm)))
        (local.set $ssc (f64.load (i32.add (local.get $scA) (i32.shl (local.get $j) (i32.const 3)))))
        (local.set $sc (f64x2.splat (local.get $ssc)))
        (local.set $sb (f64.load (i32.add (local.get $bA) (i32.shl (local.get $j) (i32.const 3)))))
        (local.set $b (f64x2.splat (local.get $sb)))
        (local.set $o (local.get $p))
        (local.set $end (i32.add (local.get $p) (local.get $run)))
        (local.set $vend (i32.add (local.get $p) (i32.and (local.get $run) (i32.const -16))))
        (block $vDone (loop $v
          (br_if $vDone (i32.ge_u (local.get $o) (local.get $vend)))
          (v128.store align=8 (i32.add (local.get $out) (local.get $o)) (f64x2.add (f64x2.mul (f64x2.sub (v128.load align=8 (i32.add (local.get $x) (local.get $o))) (local.get $m)) (local.get $sc)) (local.get $b)))
          (local.set $o (i32.add (local.get $o) (i32.const 16)))
          (br $v)))
        (if (i32.lt_u (local.get $o) (local.get $end)) (then
          (f64.store (i32.add (local.get $out) (local.get $o)) (f64.add (f64.mul (f64.sub (f64.load (i32.add (local.get $x) (local.get $o))) (local.get $sm)) (local.get $ssc)) (local.get $sb)))))
        (local.set $p (local.get $end))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $channels)))
      ;; the last c - c4 channels of this sample are the caller's
      (local.set $p (i32.add (local.get $p) (i32.mul (i32.sub (local.get $c) (local.get $c4)) (local.get $run))))
      (br $samples)))
  )

  ;; With xc = x - mean[j] over channel j's n runs: dbias[j] = sum g, dweight[j] = sum g xc,
  ;; residue[j] = sum xc, in the JS loop's order; g sits gd bytes after x.
  (func (export "chSums") (param $g i32) (param $x i32) (param $n i32) (param $c i32) (param $s i32)
                            (param $c4 i32) (param $mean i32) (param $dbias i32) (param $dweight i32)
                            (param $residue i32)
    (local $j i32) (local $b0 i32) (local $b1 i32) (local $k i32) (local $run i32) (local $rowStep i32) (local $gd i32) (local $h v128) (local $xc v128) (local $m01 v128) (local $m23 v128)
    (local $g01 v128) (local $p01 v128) (local $e01 v128) (local $g23 v128) (local $p23 v128) (local $e23 v128)
    (local.set $run (i32.mul (local.get $s) (i32.const 8)))
    (local.set $rowStep (i32.mul (local.get $c) (local.get $run)))
    (local.set $gd (i32.sub (local.get $g) (local.get $x)))
    (local.set $j (i32.const 0))
    (block $groupsDone (loop $groups
      (br_if $groupsDone (i32.ge_u (local.get $j) (local.get $c4)))
      (local.set $m01 (v128.load align=8 (i32.add (local.get $mean) (i32.shl (i32.add (local.get $j) (i32.const 0)) (i32.const 3)))))
      (local.set $m23 (v128.load align=8 (i32.add (local.get $mean) (i32.shl (i32.add (local.get $j) (i32.const 2)) (i32.const 3)))))
      (local.set $g01 (v128.const i64x2 0 0)) (local.set $p01 (v128.const i64x2 0 0)) (local.set $e01 (v128.const i64x2 0 0))
      (local.set $g23 (v128.const i64x2 0 0)) (local.set $p23 (v128.const i64x2 0 0)) (local.set $e23 (v128.const i64x2 0 0))
      (local.set $b0 (i32.add (local.get $x) (i32.mul (local.get $j) (local.get $run))))
      (local.set $b1 (i32.add (local.get $b0) (i32.mul (local.get $n) (local.get $rowStep))))
      (block $samplesDone (loop $samples
        (br_if $samplesDone (i32.ge_u (local.get $b0) (local.get $b1)))
        (local.set $k (i32.const 0))
        (block $runDone (loop $inRun
          (br_if $runDone (i32.ge_u (local.get $k) (local.get $run)))
          (local.set $xc (f64x2.sub (v128.load64_lane 1 (i32.add (i32.add (local.get $b0) (local.get $k)) (local.get $run)) (v128.load64_zero (i32.add (local.get $b0) (local.get $k)))) (local.get $m01)))
          (local.set $h (v128.load64_lane 1 (i32.add (i32.add (i32.add (local.get $b0) (local.get $k)) (local.get $run)) (local.get $gd)) (v128.load64_zero (i32.add (i32.add (local.get $b0) (local.get $k)) (local.get $gd)))))
          (local.set $g01 (f64x2.add (local.get $g01) (local.get $h)))
          (local.set $p01 (f64x2.add (local.get $p01) (f64x2.mul (local.get $h) (local.get $xc))))
          (local.set $e01 (f64x2.add (local.get $e01) (local.get $xc)))
          (local.set $xc (f64x2.sub (v128.load64_lane 1 (i32.add (i32.add (local.get $b0) (local.get $k)) (i32.mul (local.get $run) (i32.const 3))) (v128.load64_zero (i32.add (i32.add (local.get $b0) (local.get $k)) (i32.shl (local.get $run) (i32.const 1))))) (local.get $m23)))
          (local.set $h (v128.load64_lane 1 (i32.add (i32.add (i32.add (local.get $b0) (local.get $k)) (i32.mul (local.get $run) (i32.const 3))) (local.get $gd)) (v128.load64_zero (i32.add (i32.add (i32.add (local.get $b0) (local.get $k)) (i32.shl (local.get $run) (i32.const 1))) (local.get $gd)))))
          (local.set $g23 (f64x2.add (local.get $g23) (local.get $h)))
          (local.set $p23 (f64x2.add (local.get $p23) (f64x2.mul (local.get $h) (local.get $xc))))
          (local.set $e23 (f64x2.add (local.get $e23) (local.get $xc)))
          (local.set $k (i32.add (local.get $k) (i32.const 8)))
          (br $inRun)))
        (local.set $b0 (i32.add (local.get $b0) (local.get $rowStep)))
        (br $samples)))
      (v128.store align=8 (i32.add (local.get $dbias) (i32.shl (i32.add (local.get $j) (i32.const 0)) (i32.const 3))) (local.get $g01))
      (v128.store align=8 (i32.add (local.get $dbias) (i32.shl (i32.add (local.get $j) (i32.const 2)) (i32.const 3))) (local.get $g23))
      (v128.store align=8 (i32.add (local.get $dweight) (i32.shl (i32.add (local.get $j) (i32.const 0)) (i32.const 3))) (local.get $p01))
      (v128.store align=8 (i32.add (local.get $dweight) (i32.shl (i32.add (local.get $j) (i32.const 2)) (i32.const 3))) (local.get $p23))
      (v128.store align=8 (i32.add (local.get $residue) (i32.shl (i32.add (local.get $j) (i32.const 0)) (i32.const 3))) (local.get $e01))
      (v128.store align=8 (i32.add (local.get $residue) (i32.shl (i32.add (local.get $j) (i32.const 2)) (i32.const 3))) (local.get $e23))
      (local.set $j (i32.add (local.get $j) (i32.const 4)))
      (br $groups)))
  )

  ;; dx = k[j] * (g - gMean[j] - (x - mean[j] - rr[j]) * q[j]) over channel j's runs.
  (func (export "chGrad") (param $g i32) (param $x i32) (param $dx i32) (param $n i32) (param $c i32) (param $s i32)
                             (param $c4 i32) (param $mA i32) (param $rA i32) (param $kA i32) (param $aA i32) (param $qA i32)
    (local $j i32) (local $p i32) (local $o i32) (local $end i32) (local $vend i32) (local $run i32) (local $m v128) (local $sm f64) (local $r v128) (local $sr f64) (local $k v128) (local $sk f64) (local $a v128) (local $sa f64) (local $q v128) (local $sq f64)
    (local.set $run (i32.mul (local.get $s) (i32.const 8)))
    (local.set $o (i32.const 0))
    (local.set $p (i32.const 0))
    (block $samplesDone (loop $samples
      (br_if $samplesDone (i32.ge_u (local.get $p) (i32.mul (local.get $n) (i32.mul (local.get $c) (local.get $run)))))
      (local.set $j (i32.const 0))
      (block $channelsDone (loop $channels
        (br_if $channelsDone (i32.ge_u (local.get $j) (local.get $c4)))
        (local.set $sm (f64.load (i32.add (local.get $mA) (i32.shl (local.get $j) (i32.const 3)))))
        (local.set $m (f64x2.splat (local.get $sm)))
        (local.set $sr (f64.load (i32.add (local.get $rA) (i32.shl (local.get $j) (i32.const 3)))))
        (local.set $r (f64x2.splat (local.get $sr)))
        (local.set $sk (f64.load (i32.add (local.get $kA) (i32.shl (local.get $j) (i32.const 3)))))
        (local.set $k (f64x2.splat (local.get $sk)))
        (local.set $sa (f64.load (i32.add (local.get $aA) (i32.shl (local.get $j) (i32.const 3)))))
        (local.set $a (f64x2.splat (local.get $sa)))
        (local.set $sq (f64.load (i32.add (local.get $qA) (i32.shl (local.get $j) (i32.const 3)))))
        (local.set $q (f64x2.splat (local.get $sq)))
        (local.set $o (local.get $p))
        (local.set $end (i32.add (local.get $p) (local.get $run)))
        (local.set $vend (i32.add (local.get $p) (i32.and (local.get $run) (i32.const -16))))
        (block $vDone (loop $v
          (br_if $vDone (i32.ge_u (local.get $o) (local.get $vend)))
          (v128.store align=8 (i32.add (local.get $dx) (local.get $o)) (f64x2.mul (local.get $k) (f64x2.sub (f64x2.sub (v128.load align=8 (i32.add (local.get $g) (local.get $o))) (local.get $a)) (f64x2.mul (f64x2.sub (f64x2.sub (v128.load align=8 (i32.add (local.get $x) (local.get $o))) (local.get $m)) (local.get $r)) (local.get $q)))))
          (local.set $o (i32.add (local.get $o) (i32.const 16)))
          (br $v)))
        (if (i32.lt_u (local.get $o) (local.get $end)) (then
          (f64.store (i32.add (local.get $dx) (local.get $o)) (f64.mul (local.get $sk) (f64.sub (f64.sub (f64.load (i32.add (local.get $g) (local.get $o))) (local.get $sa)) (f64.mul (f64.sub (f64.sub (f64.load (i32.add (local.get $x) (local.get $o))) (local.get $sm)) (local.get $sr)) (local.get $sq)))))))
        (local.set $p (local.get $end))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $channels)))
      ;; the last c - c4 channels of this sample are the caller's
      (local.set $p (i32.add (local.get $p) (i32.mul (i32.sub (local.get $c) (local.get $c4)) (local.get $run))))
      (br $samples)))
  )

  ;; mean[j] = (sum x) / (n s), var[j] = (sum (x - mean[j])^2) / (n s) over channel j's n runs,
  ;; two passes (mean first); channels j, j+1 in one vector's lanes, j+2, j+3 in another's.
  (func (export "chStats32") (param $x i32) (param $n i32) (param $c i32) (param $s i32) (param $c4 i32)
                             (param $mean i32) (param $var i32)
    (local $j i32) (local $b0 i32) (local $b1 i32) (local $k i32) (local $run i32) (local $rowStep i32) (local $nv v128) (local $a v128) (local $q v128) (local $d v128) (local $m01 v128) (local $m23 v128)
    (local.set $run (i32.mul (local.get $s) (i32.const 4)))
    (local.set $rowStep (i32.mul (local.get $c) (local.get $run)))
    (local.set $nv (f64x2.splat (f64.convert_i32_u (i32.mul (local.get $n) (local.get $s)))))
    (local.set $j (i32.const 0))
    (block $groupsDone (loop $groups
      (br_if $groupsDone (i32.ge_u (local.get $j) (local.get $c4)))
      (local.set $a (v128.const i64x2 0 0)) (local.set $q (v128.const i64x2 0 0))
      (local.set $b0 (i32.add (local.get $x) (i32.mul (local.get $j) (local.get $run))))
      (local.set $b1 (i32.add (local.get $b0) (i32.mul (local.get $n) (local.get $rowStep))))
      (block $samplesDone (loop $samples
        (br_if $samplesDone (i32.ge_u (local.get $b0) (local.get $b1)))
        (local.set $k (i32.const 0))
        (block $runDone (loop $inRun
          (br_if $runDone (i32.ge_u (local.get $k) (local.get $run)))
          (local.set $a (f64x2.add (local.get $a) (f64x2.promote_low_f32x4 (v128.load32_lane 1 (i32.add (i32.add (local.get $b0) (local.get $k)) (local.get $run)) (v128.load32_zero (i32.add (local.get $b0) (local.get $k)))))))
          (local.set $q (f64x2.add (local.get $q) (f64x2.promote_low_f32x4 (v128.load32_lane 1 (i32.add (i32.add (local.get $b0) (local.get $k)) (i32.mul (local.get $run) (i32.const 3))) (v128.load32_zero (i32.add (i32.add (local.get $b0) (local.get $k)) (i32.shl (local.get $run) (i32.const 1))))))))
          (local.set $k (i32.add (local.get $k) (i32.const 4)))
          (br $inRun)))
        (local.set $b0 (i32.add (local.get $b0) (local.get $rowStep)))
        (br $samples)))
      (local.set $m01 (f64x2.div (local.get $a) (local.get $nv)))
      (local.set $m23 (f64x2.div (local.get $q) (local.get $nv)))
      (local.set $a (v128.const i64x2 0 0)) (local.set $q (v128.const i64x2 0 0))
      (local.set $b0 (i32.add (local.get $x) (i32.mul (local.get $j) (local.get $run))))
      (local.set $b1 (i32.add (local.get $b0) (i32.mul (local.get $n) (local.get $rowStep))))
      (block $samplesDone (loop $samples
        (br_if $samplesDone (i32.ge_u (local.get $b0) (local.get $b1)))
        (local.set $k (i32.const 0))
        (block $runDone (loop $inRun
          (br_if $runDone (i32.ge_u (local.get $k) (local.get $run)))
          (local.set $d (f64x2.sub (f64x2.promote_low_f32x4 (v128.load32_lane 1 (i32.add (i32.add (local.get $b0) (local.get $k)) (local.get $run)) (v128.load32_zero (i32.add (local.get $b0) (local.get $k))))) (local.get $m01)))
          (local.set $a (f64x2.add (local.get $a) (f64x2.mul (local.get $d) (local.get $d))))
          (local.set $d (f64x2.sub (f64x2.promote_low_f32x4 (v128.load32_lane 1 (i32.add (i32.add (local.get $b0) (local.get $k)) (i32.mul (local.get $run) (i32.const 3))) (v128.load32_zero (i32.add (i32.add (local.get $b0) (local.get $k)) (i32.shl (local.get $run) (i32.const 1)))))) (local.get $m23)))
          (local.set $q (f64x2.add (local.get $q) (f64x2.mul (local.get $d) (local.get $d))))
          (local.set $k (i32.add (local.get $k) (i32.const 4)))
          (br $inRun)))
        (local.set $b0 (i32.add (local.get $b0) (local.get $rowStep)))
        (br $samples)))
      (v128.store align=8 (i32.add (local.get $mean) (i32.shl (i32.add (local.get $j) (i32.const 0)) (i32.const 3))) (local.get $m01))
      (v128.store align=8 (i32.add (local.get $mean) (i32.shl (i32.add (local.get $j) (i32.const 2)) (i32.const 3))) (local.get $m23))
      (v128.store align=8 (i32.add (local.get $var) (i32.shl (i32.add (local.get $j) (i32.const 0)) (i32.const 3))) (f64x2.div (local.get $a) (local.get $nv)))
      (v128.store align=8 (i32.add (local.get $var) (i32.shl (i32.add (local.get $j) (i32.const 2)) (i32.const 3))) (f64x2.div (local.get $q) (local.get $nv)))
      (local.set $j (i32.add (local.get $j) (i32.const 4)))
      (br $groups)))
  )

  ;; out = (x - mean[j]) * scale[j] + shift[j] over channel j's runs.
  (func (export "chAffine32") (param $x i32) (param $out i32) (param $n i32) (param $c i32) (param $s i32) (param $c4 i32)
                               (param $mA i32) (param $scA i32) (param $bA i32)
    (local $j i32) (local $p i32) (local $o i32) (local $end i32) (local $vend i32) (local $run i32) (local $m v128) (local $sm f64) (local $sc v128) (local $ssc f64) (local $b v128) (local $sb f64)
    (local.set $run (i32.mul (local.get $s) (i32.const 4)))
    (local.set $o (i32.const 0))
    (local.set $p (i32.const 0))
    (block $samplesDone (loop $samples
      (br_if $samplesDone (i32.ge_u (local.get $p) (i32.mul (local.get $n) (i32.mul (local.get $c) (local.get $run)))))
      (local.set $j (i32.const 0))
      (block $channelsDone (loop $channels
        (br_if $channelsDone (i32.ge_u (local.get $j) (local.get $c4)))
        (local.set $sm (f64.load (i32.add (local.get $mA) (i32.shl (local.get $j) (i32.const 3)))))
        (local.set $m (f64x2.splat (local.get $sm)))
        (local.set $ssc (f64.load (i32.add (local.get $scA) (i32.shl (local.get $j) (i32.const 3)))))
        (local.set $sc (f64x2.splat (local.get $ssc)))
        (local.set $sb (f64.load (i32.add (local.get $bA) (i32.shl (local.get $j) (i32.const 3)))))
        (local.set $b (f64x2.splat (local.get $sb)))
        (local.set $o (local.get $p))
        (local.set $end (i32.add (local.get $p) (local.get $run)))
        (local.set $vend (i32.add (local.get $p) (i32.and (local.get $run) (i32.const -8))))
        (block $vDone (loop $v
          (br_if $vDone (i32.ge_u (local.get $o) (local.get $vend)))
          (v128.store64_lane align=4 0 (i32.add (local.get $out) (local.get $o)) (f32x4.demote_f64x2_zero (f64x2.add (f64x2.mul (f64x2.sub (f64x2.promote_low_f32x4 (v128.load64_zero align=4 (i32.add (local.get $x) (local.get $o)))) (local.get $m)) (local.get $sc)) (local.get $b))))
          (local.set $o (i32.add (local.get $o) (i32.const 8)))
          (br $v)))
        (if (i32.lt_u (local.get $o) (local.get $end)) (then
          (f32.store (i32.add (local.get $out) (local.get $o)) (f32.demote_f64 (f64.add (f64.mul (f64.sub (f64.promote_f32 (f32.load (i32.add (local.get $x) (local.get $o)))) (local.get $sm)) (local.get $ssc)) (local.get $sb))))))
        (local.set $p (local.get $end))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $channels)))
      ;; the last c - c4 channels of this sample are the caller's
      (local.set $p (i32.add (local.get $p) (i32.mul (i32.sub (local.get $c) (local.get $c4)) (local.get $run))))
      (br $samples)))
  )

  ;; With xc = x - mean[j] over channel j's n runs: dbias[j] = sum g, dweight[j] = sum g xc,
  ;; residue[j] = sum xc, in the JS loop's order; g sits gd bytes after x.
  (func (export "chSums32") (param $g i32) (param $x i32) (param $n i32) (param $c i32) (param $s i32)
                            (param $c4 i32) (param $mean i32) (param $dbias i32) (param $dweight i32)
                            (param $residue i32)
    (local $j i32) (local $b0 i32) (local $b1 i32) (local $k i32) (local $run i32) (local $rowStep i32) (local $gd i32) (local $h v128) (local $xc v128) (local $m01 v128) (local $m23 v128)
    (local $g01 v128) (local $p01 v128) (local $e01 v128) (local $g23 v128) (local $p23 v128) (local $e23 v128)
    (local.set $run (i32.mul (local.get $s) (i32.const 4)))
    (local.set $rowStep (i32.mul (local.get $c) (local.get $run)))
    (local.set $gd (i32.sub (local.get $g) (local.get $x)))
    (local.set $j (i32.const 0))
    (block $groupsDone (loop $groups
      (br_if $groupsDone (i32.ge_u (local.get $j) (local.get $c4)))
      (local.set $m01 (v128.load align=8 (i32.add (local.get $mean) (i32.shl (i32.add (local.get $j) (i32.const 0)) (i32.const 3)))))
      (local.set $m23 (v128.load align=8 (i32.add (local.get $mean) (i32.shl (i32.add (local.get $j) (i32.const 2)) (i32.const 3)))))
      (local.set $g01 (v128.const i64x2 0 0)) (local.set $p01 (v128.const i64x2 0 0)) (local.set $e01 (v128.const i64x2 0 0))
      (local.set $g23 (v128.const i64x2 0 0)) (local.set $p23 (v128.const i64x2 0 0)) (local.set $e23 (v128.const i64x2 0 0))
      (local.set $b0 (i32.add (local.get $x) (i32.mul (local.get $j) (local.get $run))))
      (local.set $b1 (i32.add (local.get $b0) (i32.mul (local.get $n) (local.get $rowStep))))
      (block $samplesDone (loop $samples
        (br_if $samplesDone (i32.ge_u (local.get $b0) (local.get $b1)))
        (local.set $k (i32.const 0))
        (block $runDone (loop $inRun
          (br_if $runDone (i32.ge_u (local.get $k) (local.get $run)))
          (local.set $xc (f64x2.sub (f64x2.promote_low_f32x4 (v128.load32_lane 1 (i32.add (i32.add (local.get $b0) (local.get $k)) (local.get $run)) (v128.load32_zero (i32.add (local.get $b0) (local.get $k))))) (local.get $m01)))
          (local.set $h (f64x2.promote_low_f32x4 (v128.load32_lane 1 (i32.add (i32.add (i32.add (local.get $b0) (local.get $k)) (local.get $run)) (local.get $gd)) (v128.load32_zero (i32.add (i32.add (local.get $b0) (local.get $k)) (local.get $gd))))))
          (local.set $g01 (f64x2.add (local.get $g01) (local.get $h)))
          (local.set $p01 (f64x2.add (local.get $p01) (f64x2.mul (local.get $h) (local.get $xc))))
          (local.set $e01 (f64x2.add (local.get $e01) (local.get $xc)))
          (local.set $xc (f64x2.sub (f64x2.promote_low_f32x4 (v128.load32_lane 1 (i32.add (i32.add (local.get $b0) (local.get $k)) (i32.mul (local.get $run) (i32.const 3))) (v128.load32_zero (i32.add (i32.add (local.get $b0) (local.get $k)) (i32.shl (local.get $run) (i32.const 1)))))) (local.get $m23)))
          (local.set $h (f64x2.promote_low_f32x4 (v128.load32_lane 1 (i32.add (i32.add (i32.add (local.get $b0) (local.get $k)) (i32.mul (local.get $run) (i32.const 3))) (local.get $gd)) (v128.load32_zero (i32.add (i32.add (i32.add (local.get $b0) (local.get $k)) (i32.shl (local.get $run) (i32.const 1))) (local.get $gd))))))
          (local.set $g23 (f64x2.add (local.get $g23) (local.get $h)))
          (local.set $p23 (f64x2.add (local.get $p23) (f64x2.mul (local.get $h) (local.get $xc))))
          (local.set $e23 (f64x2.add (local.get $e23) (local.get $xc)))
          (local.set $k (i32.add (local.get $k) (i32.const 4)))
          (br $inRun)))
        (local.set $b0 (i32.add (local.get $b0) (local.get $rowStep)))
        (br $samples)))
      (v128.store align=8 (i32.add (local.get $dbias) (i32.shl (i32.add (local.get $j) (i32.const 0)) (i32.const 3))) (local.get $g01))
      (v128.store align=8 (i32.add (local.get $dbias) (i32.shl (i32.add (local.get $j) (i32.const 2)) (i32.const 3))) (local.get $g23))
      (v128.store align=8 (i32.add (local.get $dweight) (i32.shl (i32.add (local.get $j) (i32.const 0)) (i32.const 3))) (local.get $p01))
      (v128.store align=8 (i32.add (local.get $dweight) (i32.shl (i32.add (local.get $j) (i32.const 2)) (i32.const 3))) (local.get $p23))
      (v128.store align=8 (i32.add (local.get $residue) (i32.shl (i32.add (local.get $j) (i32.const 0)) (i32.const 3))) (local.get $e01))
      (v128.store align=8 (i32.add (local.get $residue) (i32.shl (i32.add (local.get $j) (i32.const 2)) (i32.const 3))) (local.get $e23))
      (local.set $j (i32.add (local.get $j) (i32.const 4)))
      (br $groups)))
  )

  ;; dx = k[j] * (g - gMean[j] - (x - mean[j] - rr[j]) * q[j]) over channel j's runs.
  (func (export "chGrad32") (param $g i32) (param $x i32) (param $dx i32) (param $n i32) (param $c i32) (param $s i32)
                             (param $c4 i32) (param $mA i32) (param $rA i32) (param $kA i32) (param $aA i32) (param $qA i32)
    (local $j i32) (local $p i32) (local $o i32) (local $end i32) (local $vend i32) (local $run i32) (local $m v128) (local $sm f64) (local $r v128) (local $sr f64) (local $k v128) (local $sk f64) (local $a v128) (local $sa f64) (local $q v128) (local $sq f64)
    (local.set $run (i32.mul (local.get $s) (i32.const 4)))
    (local.set $o (i32.const 0))
    (local.set $p (i32.const 0))
    (block $samplesDone (loop $samples
      (br_if $samplesDone (i32.ge_u (local.get $p) (i32.mul (local.get $n) (i32.mul (local.get $c) (local.get $run)))))
      (local.set $j (i32.const 0))
      (block $channelsDone (loop $channels
        (br_if $channelsDone (i32.ge_u (local.get $j) (local.get $c4)))
        (local.set $sm (f64.load (i32.add (local.get $mA) (i32.shl (local.get $j) (i32.const 3)))))
        (local.set $m (f64x2.splat (local.get $sm)))
        (local.set $sr (f64.load (i32.add (local.get $rA) (i32.shl (local.get $j) (i32.const 3)))))
        (local.set $r (f64x2.splat (local.get $sr)))
        (local.set $sk (f64.load (i32.add (local.get $kA) (i32.shl (local.get $j) (i32.const 3)))))
        (local.set $k (f64x2.splat (local.get $sk)))
        (local.set $sa (f64.load (i32.add (local.get $aA) (i32.shl (local.get $j) (i32.const 3)))))
        (local.set $a (f64x2.splat (local.get $sa)))
        (local.set $sq (f64.load (i32.add (local.get $qA) (i32.shl (local.get $j) (i32.const 3)))))
        (local.set $q (f64x2.splat (local.get $sq)))
        (local.set $o (local.get $p))
        (local.set $end (i32.add (local.get $p) (local.get $run)))
        (local.set $vend (i32.add (local.get $p) (i32.and (local.get $run) (i32.const -8))))
        (block $vDone (loop $v
          (br_if $vDone (i32.ge_u (local.get $o) (local.get $vend)))
          (v128.store64_lane align=4 0 (i32.add (local.get $dx) (local.get $o)) (f32x4.demote_f64x2_zero (f64x2.mul (local.get $k) (f64x2.sub (f64x2.sub (f64x2.promote_low_f32x4 (v128.load64_zero align=4 (i32.add (local.get $g) (local.get $o)))) (local.get $a)) (f64x2.mul (f64x2.sub (f64x2.sub (f64x2.promote_low_f32x4 (v128.load64_zero align=4 (i32.add (local.get $x) (local.get $o)))) (local.get $m)) (local.get $r)) (local.get $q))))))
          (local.set $o (i32.add (local.get $o) (i32.const 8)))
          (br $v)))
        (if (i32.lt_u (local.get $o) (local.get $end)) (then
          (f32.store (i32.add (local.get $dx) (local.get $o)) (f32.demote_f64 (f64.mul (local.get $sk) (f64.sub (f64.sub (f64.promote_f32 (f32.load (i32.add (local.get $g) (local.get $o)))) (local.get $sa)) (f64.mul (f64.sub (f64.sub (f64.promote_f32 (f32.load (i32.add (local.get $x) (local.get $o)))) (local.get $sm)) (local.get $sr)) (local.get $sq))))))))
        (local.set $p (local.get $end))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $channels)))
      ;; the last c - c4 channels of this sample are the caller's
      (local.set $p (i32.add (local.get $p) (i32.mul (i32.sub (local.get $c) (local.get $c4)) (local.get $run))))
      (br $samples)))
  )
)
