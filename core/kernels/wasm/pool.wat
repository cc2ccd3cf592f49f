;; Max pooling's winners over 2 x 2 windows at stride 2 (no padding, no
;; dilation: nn.MaxPool2d(2), the CNNs' pooling) in 128-bit WebAssembly SIMD,
;; two outputs per vector: the loop of core/kernels/conv.ts's maxPool2dIndices
;; on those windows, value for value. The taps are visited in the JS order,
;; (0, 0), (0, 1), (1, 0), (1, 1), and a tap wins over the current winner when
;; it is larger or NaN (PyTorch's `val > max || isnan(val)`: ties keep the
;; first, the last NaN wins), chosen lane by lane with a mask, not a jump.
;; Indices (iy * w + ix, within the plane) are float64, as the JS kernel
;; writes them. Float64 data (maxPool2x2) or float32 (maxPool2x2f32, compared
;; as float64, as V8 compares them). An odd last output of a row takes the
;; same steps in one lane.
;;
;; The caller (core/kernels/wasm/pool.ts) copies x in and the indices out; the
;; memory is imported as gemm.wat's is, and assembled twice the same way.
(module
  (import "env" "memory" (memory 1 16384 @SHARED@))

  (func $pool (param $x i32) (param $out i32) (param $planes i32) (param $h i32) (param $w i32)
              (param $oh i32) (param $ow i32) (param $shift i32)
    (local $p i32) (local $oy i32) (local $ox i32) (local $r0 i32) (local $r1 i32) (local $pairs i32)
    (local $best v128) (local $at v128) (local $k v128) (local $v v128) (local $wv v128) (local $one v128)
    (local $take v128)
    (local $step i32)
    (local.set $wv (f64x2.splat (f64.convert_i32_s (local.get $w))))
    (local.set $one (f64x2.splat (f64.const 1)))
    (local.set $pairs (i32.and (local.get $ow) (i32.const -2)))
    ;; Bytes per output pair along a row: 4 input values.
    (local.set $step (i32.shl (i32.const 4) (local.get $shift)))
    (block $planesDone (loop $planes
      (br_if $planesDone (i32.ge_u (local.get $p) (local.get $planes)))
      (local.set $oy (i32.const 0))
      (block $rowsDone (loop $rows
        (br_if $rowsDone (i32.ge_s (local.get $oy) (local.get $oh)))
        ;; Input rows 2oy and 2oy + 1 of plane p.
        (local.set $r0 (i32.add (local.get $x) (i32.shl
          (i32.add (i32.mul (local.get $p) (i32.mul (local.get $h) (local.get $w)))
                   (i32.mul (i32.shl (local.get $oy) (i32.const 1)) (local.get $w)))
          (local.get $shift))))
        (local.set $r1 (i32.add (local.get $r0) (i32.shl (local.get $w) (local.get $shift))))
        ;; k = index of tap (0, 0) for outputs ox, ox + 1: 2oy w + 2ox and + 2.
        (local.set $k (f64x2.add (f64x2.splat (f64.convert_i32_s
                                   (i32.mul (i32.shl (local.get $oy) (i32.const 1)) (local.get $w))))
                                 (v128.const f64x2 0 2)))
        (local.set $ox (i32.const 0))
        (block $pairsDone (loop $pairLoop
          (br_if $pairsDone (i32.ge_s (local.get $ox) (local.get $pairs)))
          ;; Two outputs: lanes [x(2ox), x(2ox + 2)] and [x(2ox + 1), x(2ox + 3)] of each input
          ;; row, each tap taken lane by lane where it is larger or NaN.
          (if (i32.eq (local.get $shift) (i32.const 3))
            (then
              (local.set $best (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (v128.load align=8 (local.get $r0)) (v128.load offset=16 align=8 (local.get $r0))))
              (local.set $at (local.get $k))
              (local.set $v (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (v128.load align=8 (local.get $r0)) (v128.load offset=16 align=8 (local.get $r0))))
              (local.set $take (v128.or (f64x2.gt (local.get $v) (local.get $best)) (f64x2.ne (local.get $v) (local.get $v))))
              (local.set $best (v128.bitselect (local.get $v) (local.get $best) (local.get $take)))
              (local.set $at (v128.bitselect (f64x2.add (local.get $k) (local.get $one)) (local.get $at) (local.get $take)))
              (local.set $v (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (v128.load align=8 (local.get $r1)) (v128.load offset=16 align=8 (local.get $r1))))
              (local.set $take (v128.or (f64x2.gt (local.get $v) (local.get $best)) (f64x2.ne (local.get $v) (local.get $v))))
              (local.set $best (v128.bitselect (local.get $v) (local.get $best) (local.get $take)))
              (local.set $at (v128.bitselect (f64x2.add (local.get $k) (local.get $wv)) (local.get $at) (local.get $take)))
              (local.set $v (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (v128.load align=8 (local.get $r1)) (v128.load offset=16 align=8 (local.get $r1))))
              (local.set $take (v128.or (f64x2.gt (local.get $v) (local.get $best)) (f64x2.ne (local.get $v) (local.get $v))))
              (local.set $best (v128.bitselect (local.get $v) (local.get $best) (local.get $take)))
              (local.set $at (v128.bitselect (f64x2.add (f64x2.add (local.get $k) (local.get $wv)) (local.get $one)) (local.get $at) (local.get $take))))
            (else
              (local.set $best (f64x2.promote_low_f32x4 (i8x16.shuffle 0 1 2 3 8 9 10 11 0 1 2 3 8 9 10 11 (v128.load align=4 (local.get $r0)) (v128.load align=4 (local.get $r0)))))
              (local.set $at (local.get $k))
              (local.set $v (f64x2.promote_low_f32x4 (i8x16.shuffle 4 5 6 7 12 13 14 15 4 5 6 7 12 13 14 15 (v128.load align=4 (local.get $r0)) (v128.load align=4 (local.get $r0)))))
              (local.set $take (v128.or (f64x2.gt (local.get $v) (local.get $best)) (f64x2.ne (local.get $v) (local.get $v))))
              (local.set $best (v128.bitselect (local.get $v) (local.get $best) (local.get $take)))
              (local.set $at (v128.bitselect (f64x2.add (local.get $k) (local.get $one)) (local.get $at) (local.get $take)))
              (local.set $v (f64x2.promote_low_f32x4 (i8x16.shuffle 0 1 2 3 8 9 10 11 0 1 2 3 8 9 10 11 (v128.load align=4 (local.get $r1)) (v128.load align=4 (local.get $r1)))))
              (local.set $take (v128.or (f64x2.gt (local.get $v) (local.get $best)) (f64x2.ne (local.get $v) (local.get $v))))
              (local.set $best (v128.bitselect (local.get $v) (local.get $best) (local.get $take)))
              (local.set $at (v128.bitselect (f64x2.add (local.get $k) (local.get $wv)) (local.get $at) (local.get $take)))
              (local.set $v (f64x2.promote_low_f32x4 (i8x16.shuffle 4 5 6 7 12 13 14 15 4 5 6 7 12 13 14 15 (v128.load align=4 (local.get $r1)) (v128.load align=4 (local.get $r1)))))
              (local.set $take (v128.or (f64x2.gt (local.get $v) (local.get $best)) (f64x2.ne (local.get $v) (local.get $v))))
              (local.set $best (v128.bitselect (local.get $v) (local.get $best) (local.get $take)))
              (local.set $at (v128.bitselect (f64x2.add (f64x2.add (local.get $k) (local.get $wv)) (local.get $one)) (local.get $at) (local.get $take)))))
          (v128.store align=8 (local.get $out) (local.get $at))
          (local.set $out (i32.add (local.get $out) (i32.const 16)))
          (local.set $r0 (i32.add (local.get $r0) (local.get $step)))
          (local.set $r1 (i32.add (local.get $r1) (local.get $step)))
          (local.set $k (f64x2.add (local.get $k) (v128.const f64x2 4 4)))
          (local.set $ox (i32.add (local.get $ox) (i32.const 2)))
          (br $pairLoop)))
        ;; An odd last output: the same four taps, as scalars.
        (if (i32.lt_s (local.get $ox) (local.get $ow))
          (then
            (f64.store (local.get $out) (call $single (local.get $r0) (local.get $r1)
              (f64x2.extract_lane 0 (local.get $k)) (local.get $w) (local.get $shift)))
            (local.set $out (i32.add (local.get $out) (i32.const 8)))))
        (local.set $oy (i32.add (local.get $oy) (i32.const 1)))
        (br $rows)))
      (local.set $p (i32.add (local.get $p) (i32.const 1)))
      (br $planes))))

  (func $load (param $p i32) (param $shift i32) (result f64)
    (if (result f64) (i32.eq (local.get $shift) (i32.const 3))
      (then (f64.load (local.get $p)))
      (else (f64.promote_f32 (f32.load (local.get $p))))))

  ;; One output's winner from its taps at r0, r0 + 1 value, r1, r1 + 1 value; k is tap (0, 0)'s index.
  (func $single (param $r0 i32) (param $r1 i32) (param $k f64) (param $w i32) (param $shift i32) (result f64)
    (local $best f64) (local $at f64) (local $v f64) (local $take i32) (local $b i32)
    (local.set $b (i32.shl (i32.const 1) (local.get $shift)))
    (local.set $best (call $load (local.get $r0) (local.get $shift)))
    (local.set $at (local.get $k))
    (local.set $v (call $load (i32.add (local.get $r0) (local.get $b)) (local.get $shift)))
    (local.set $take (i32.or (f64.gt (local.get $v) (local.get $best)) (f64.ne (local.get $v) (local.get $v))))
    (local.set $at (select (f64.add (local.get $k) (f64.const 1)) (local.get $at) (local.get $take)))
    (local.set $best (select (local.get $v) (local.get $best) (local.get $take)))
    (local.set $v (call $load (local.get $r1) (local.get $shift)))
    (local.set $take (i32.or (f64.gt (local.get $v) (local.get $best)) (f64.ne (local.get $v) (local.get $v))))
    (local.set $at (select (f64.add (local.get $k) (f64.convert_i32_s (local.get $w))) (local.get $at) (local.get $take)))
    (local.set $best (select (local.get $v) (local.get $best) (local.get $take)))
    (local.set $v (call $load (i32.add (local.get $r1) (local.get $b)) (local.get $shift)))
    (local.set $take (i32.or (f64.gt (local.get $v) (local.get $best)) (f64.ne (local.get $v) (local.get $v))))
    (select (f64.add (f64.add (local.get $k) (f64.convert_i32_s (local.get $w))) (f64.const 1))
            (local.get $at) (local.get $take)))

  (func (export "maxPool2x2") (param $x i32) (param $out i32) (param $planes i32) (param $h i32) (param $w i32)
                              (param $oh i32) (param $ow i32)
    (call $pool (local.get $x) (local.get $out) (local.get $planes) (local.get $h) (local.get $w)
      (local.get $oh) (local.get $ow) (i32.const 3)))

  (func (export "maxPool2x2f32") (param $x i32) (param $out i32) (param $planes i32) (param $h i32) (param $w i32)
                                 (param $oh i32) (param $ow i32)
    (call $pool (local.get $x) (local.get $out) (local.get $planes) (local.get $h) (local.get $w)
      (local.get $oh) (local.get $ow) (i32.const 2)))
)
